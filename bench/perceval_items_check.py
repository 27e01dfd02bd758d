"""Do the test builders make what Perceval makes? (tests/perceval_items_more.py)

The Perceval connector's tests read envelopes that ``tests/perceval_items_more.py`` builds
from Perceval's recorded payloads, doing what each Perceval backend does with live
answers. This runs Perceval itself (bench/.venv-perceval, as ``bench/ingest.py`` installs
it; GPL-3.0, used as a tool, never imported by veille) on the same payloads, its HTTP
requests answered from the files with the wiring the builders document, and compares
item by item: ``data``, ``uuid``, ``updated_on``, ``category``, ``origin``.

Run: ``.venv/bin/python bench/perceval_items_check.py``. Exits 1 on a difference.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "bench")]

from tests import perceval_items_more as M  # noqa: E402

from ingest import perceval_python  # noqa: E402

FIXTURES = ROOT.parent / "shared" / "data" / "formats" / "perceval_fixtures"

# Runs inside Perceval's virtual environment: argv = fixtures folder, backend.
RUNNER = r"""
import json, re, sys
from pathlib import Path
from perceval.client import HttpClient

R, backend = Path(sys.argv[1]), sys.argv[2]
calls = {"gitter": 0}


class Answer:
    def __init__(self, text, links=None):
        self.text, self.links, self.headers, self.status_code = text, links or {}, {}, 200

    def json(self):
        return json.loads(self.text)


def file(folder, name):
    return Answer((R / folder / name).read_text(encoding="utf-8"))


def gitlab(url, payload):
    path = url.split("fdroiddata", 1)[1].split("?")[0]
    listing = re.fullmatch(r"/(issues|merge_requests)", path)
    if path == "":
        return file("gitlab", "project")
    if listing:
        kind = "issue" if listing.group(1) == "issues" else "merge"
        if "page=2" in url:
            return file("gitlab", f"{kind}_page_2")
        answer = file("gitlab", f"{kind}_page_1")
        answer.links = {"next": {"url": url.split("?")[0] + "?page=2"}}
        return answer
    what, iid, rest = re.fullmatch(r"/(issues|merge_requests)/(\d+)(/.*)?", path).groups()
    iid, rest = int(iid), rest or ""
    if rest == "":
        return file("gitlab", f"merge_{iid}")
    if rest == "/notes":
        return file("gitlab", f"notes_{iid}")
    if rest == "/award_emoji":
        return file("gitlab", "emoji" if iid == 1 else "empty_emoji")
    note = re.fullmatch(r"/notes/(\d+)/award_emoji", rest)
    if note:
        first = json.loads((R / "gitlab" / f"notes_{iid}").read_text())[0]["id"]
        on_first = what == "issues" and iid == 1 and int(note.group(1)) == first
        return file("gitlab", "emoji" if on_first else "empty_emoji")
    if rest == "/versions":
        return file("gitlab", f"merge_{iid}_versions")
    version = int(re.fullmatch(r"/versions/(\d+)", rest).group(1))
    ids = [v["id"] for v in json.loads((R / "gitlab" / f"merge_{iid}_versions").read_text())]
    return file("gitlab", f"merge_{iid}_version_{ids.index(version) + 1}")


def mattermost(url, payload):
    if url.endswith("/channels/abcdefghijkl"):
        return file("mattermost", "mattermost_channel.json")
    if url.endswith("/posts"):
        pages = ["mattermost_posts.json", "mattermost_posts_next.json"]
        return file("mattermost", (pages + ["mattermost_posts_empty.json"])[payload["page"]])
    users = {"8tbwn7uikpdy3gpse6fgiie5co": "sduenas", "haqnaxe4cpn4jfsx3w7x3y96ea": "valcos"}
    return file("mattermost", f"mattermost_user_{users[url.rsplit('/', 1)[1]]}.json")


def rocketchat(url, payload):
    if "channels.info" in url:
        return file("rocketchat", "channel_info.json")
    return file("rocketchat", f"message_page_{1 if payload['offset'] == 0 else 2}.json")


def gitter(url, payload):
    if url.endswith("/rooms"):
        return file("gitter", "rooms")
    calls["gitter"] += 1
    return file("gitter", ["message_page_1", "message_page_2", "message_empty"][calls["gitter"] - 1])


def meetup(url, payload):
    for part in ("comments", "rsvps"):
        if f"/{part}" in url:
            return file("meetup", f"meetup_{part}.json") if "/events/3/" in url else Answer("[]")
    if url.endswith("?next"):
        return file("meetup", "meetup_events_next.json")
    return Answer((R / "meetup" / "meetup_events.json").read_text(),
                  {"next": {"url": "https://api.meetup.com/sqlpass-es/events?next"}})


ASKBOT_PAGES = {("2481", 1): "askbot_question.html", ("2488", 1): "askbot_question_multipage_1.html",
                ("2488", 2): "askbot_question_multipage_2.html",
                ("24396", 1): "html_24396_multipage_openstack.html"}


def askbot(url, payload, openstack):
    if "api/v1/questions" in url:
        if openstack:
            question = json.loads((R / "askbot" / "api_24396_openstack.json").read_text())
            return Answer(json.dumps({"count": 1, "pages": 1, "questions": [question]}))
        return file("askbot", "askbot_api_questions%s.json" % ("" if payload["page"] == 1 else "_2"))
    if "post_comments" in url:
        if payload["post_id"] == 2481:
            return file("askbot", "askbot_2481_multicomments.json")
        return Answer("[]")
    qid, page = url.rstrip("/").rsplit("/", 1)[1], payload["page"]
    return file("askbot", ASKBOT_PAGES.get((qid, page), f"html_24396_multipage_{page}_openstack.html"))


def answer(self, url, payload=None, headers=None, method=None, stream=False, auth=None):
    payload = payload or {}
    if backend.startswith("askbot"):
        return askbot(url, payload, backend == "askbot-openstack")
    return globals()[backend.split("-")[0]](url, payload)


HttpClient.fetch = answer
if backend.startswith("gitlab"):
    from perceval.backends.core.gitlab import GitLab
    items = GitLab("fdroid", "fdroiddata", api_token="t").fetch(category=backend.split("-")[1])
elif backend == "mattermost":
    from perceval.backends.core.mattermost import Mattermost
    items = Mattermost("https://mattermost.example.com/", "abcdefghijkl", api_token="t").fetch()
elif backend == "rocketchat":
    from perceval.backends.core.rocketchat import RocketChat
    items = RocketChat("https://open.rocket.chat", "testapichannel", user_id="u", api_token="t").fetch()
elif backend == "gitter":
    from perceval.backends.core.gitter import Gitter
    items = Gitter(group="AnimeshCom", room="helloworld", api_token="t").fetch()
elif backend == "meetup":
    from perceval.backends.core.meetup import Meetup
    items = Meetup("sqlpass-es", api_token="t").fetch()
elif backend.startswith("askbot"):
    from perceval.backends.core.askbot import Askbot
    site = "https://ask.openstack.org/" if backend == "askbot-openstack" else "http://askbot.org/"
    items = Askbot(site).fetch()
elif backend == "supybot":
    import shutil, tempfile
    from perceval.backends.core.supybot import Supybot
    logs = tempfile.mkdtemp()
    shutil.copy(R / "supybot" / "supybot_valid.log", logs)
    items = Supybot("https://meetbot.example.org/ceph", logs).fetch()
for item in items:
    print(json.dumps(item, sort_keys=True))
"""

BUILDERS: dict[str, Callable[[Path], list[dict[str, Any]]]] = {
    "gitlab-issue": M.gitlab_issue_items,
    "gitlab-merge_request": M.gitlab_merge_items,
    "mattermost": M.mattermost_items,
    "rocketchat": M.rocketchat_items,
    "gitter": M.gitter_items,
    "meetup": M.meetup_items,
    "supybot": M.supybot_items,
    "askbot": lambda root: M.askbot_items(root)[:2],
    "askbot-openstack": lambda root: M.askbot_items(root)[2:],
}
FIELDS = ("data", "uuid", "updated_on", "category", "origin")


def main() -> int:
    python = perceval_python()
    failed = False
    print("| backend | items (Perceval / builder) | " + " | ".join(FIELDS) + " |")
    print("|---|---|" + "---|" * len(FIELDS))
    with tempfile.TemporaryDirectory() as tmp:
        runner = Path(tmp) / "runner.py"
        runner.write_text(RUNNER, encoding="utf-8")
        for backend, build in BUILDERS.items():
            done = subprocess.run(
                [python, str(runner), str(FIXTURES), backend],
                capture_output=True,
                text=True,
                check=True,
            )
            perceval = [json.loads(line) for line in done.stdout.splitlines()]
            built = build(FIXTURES)
            same = [
                len(perceval) == len(built)
                and all(p[f] == b[f] for p, b in zip(perceval, built, strict=True))
                for f in FIELDS
            ]
            failed |= not all(same)
            marks = " | ".join("same" if s else "DIFFERENT" for s in same)
            print(f"| {backend} | {len(perceval)} / {len(built)} | {marks} |")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
