"""The demo citizens and the API example in docs/ match what `demo_data` loads, so a newcomer's first tries answer."""

import io
import json
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from nav_sikkerhet.core import access
from nav_sikkerhet.core import services as core_services
from nav_sikkerhet.core.access import Perm
from nav_sikkerhet.core.models import Citizen, User
from utestenging.lookup import measures_in_force

DOCS = Path(settings.BASE_DIR) / "docs"
DEMO = (DOCS / "demo.md").read_text(encoding="utf-8")
README = (Path(settings.BASE_DIR) / "README.md").read_text(encoding="utf-8")
API_DOC = (DOCS / "api.md").read_text(encoding="utf-8")
API_URL = "/api/v1/sikkerhetstiltak"
SITUATIONS = {"excluded", "phone-restricted", "measure at another unit", "nothing"}


def demo_citizen_rows() -> list[dict]:
    """The rows of the "Demo citizens to look up" table in docs/demo.md."""
    section = DEMO.split("## Demo citizens to look up", 1)[1].split("\n#", 1)[0]
    rows = []
    for line in section.splitlines():
        cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
        if len(cells) == 6 and re.fullmatch(r"\d{2}\.\d{2}\.\d{4}", cells[1]):
            name, born, ident, situation, user, _shows = cells
            rows.append({"name": name, "born": born, "ident": ident, "situation": situation, "user": user.strip("`")})
    return rows


def situation(citizen, user) -> str:
    """What the user's look-up finds for the citizen, in the table's words."""
    measures = measures_in_force(citizen_id=citizen.pk)
    desks = access.unit_ids_with_perm(user, Perm.LOOKUP_MEASURES)
    here = [m for m in measures if desks & {u.id for u in m.covered_units}]
    if any(m.physical for m in here):
        return "excluded"
    if here:
        return "phone-restricted"
    return "measure at another unit" if measures else "nothing"


@pytest.fixture
def demo(db):
    call_command("demo_data", stdout=io.StringIO())


def test_the_demo_page_names_a_demo_citizen_for_each_situation():
    assert {row["situation"] for row in demo_citizen_rows()} == SITUATIONS


def test_each_demo_citizen_and_the_api_example_answer_as_the_docs_say(demo, client):
    # One test: loading the demo data takes half a minute.
    login, password = re.search(r"log in as \*\*`([^`]+)`\*\* with the password \*\*`([^`]+)`\*\*", README).groups()
    assert User.objects.get(username=login).check_password(password), "the README's demo login does not work"
    for row in demo_citizen_rows():
        citizen = Citizen.objects.get(name=row["name"], birth_date__day=int(row["born"][:2]),
                                      birth_date__month=int(row["born"][3:5]), birth_date__year=int(row["born"][6:]))
        assert citizen.personident == row["ident"], row
        assert situation(citizen, User.objects.get(username=row["user"])) == row["situation"], row

    request = json.loads(re.search(r"-d '(\{.*?\})'", API_DOC).group(1))
    shown = json.loads(re.search(r"```json\n(\{.*?\n\})\n```", API_DOC, re.DOTALL).group(1))
    _api_key, key = core_services.api_key_create(system="readme")
    response = client.post(API_URL, data=request, content_type="application/json",
                           HTTP_AUTHORIZATION=f"Bearer {key}")
    answer = response.json()
    assert answer["sikkerhetstiltak"], "the API example's person has no measure in force"
    assert answer["personident"] == shown["personident"] == request["personident"]
    ignore_dates = [{k: v for k, v in m.items() if not k.startswith("gyldig")} for m in answer["sikkerhetstiltak"]]
    assert ignore_dates == [{k: v for k, v in m.items() if not k.startswith("gyldig")}
                            for m in shown["sikkerhetstiltak"]]
