"""Members: one person across channels, and what they do.

:mod:`.identity` (normalising handles, blocking keys, scoring a pair of identities),
:mod:`.resolve` (candidate pairs by blocking, automatic merges, suggestions, merging and
unmerging with a record of each), :mod:`.flags` (bots and the team), :mod:`.rules`,
:mod:`.engagement` and :mod:`.segments` (engagement, the typology, Orbit levels, onion,
cohorts and talents).
"""
