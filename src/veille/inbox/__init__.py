"""The inbox: every incoming activity that needs a human, triaged, assigned and routed
to the departments that need it (:mod:`.items`: the workflow and its audit trail;
:mod:`.rules`: the routing rules a manager writes; :mod:`.routing`: running them)."""
