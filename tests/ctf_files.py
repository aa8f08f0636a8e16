"""Common Transfer Files for tests, written from the published structure (CTfile / Header /
CTFpupilData / Pupil). Every pupil here is invented."""
from __future__ import annotations

from xml.sax.saxutils import escape

from functions.pupils import upn_check_letter

OLD_NAMESPACE = "http://www.dcsf.gov.uk/schemas/cbds"


def upn(body: str) -> str:
    """A valid UPN from its 12 characters."""
    return upn_check_letter(body) + body


def pupil_xml(*, upn: str, forename: str, surname: str, dob: str, sex: str = "F",
              sex_tag: str = "Sex", year: int | None = 3, fsm: list[tuple[str, str]] = (),
              sen: str = "", first_language: str = "", results: list[dict] = ()) -> str:
    parts = [f"<UPN>{upn}</UPN>", f"<Surname>{escape(surname)}</Surname>",
             f"<Forename>{escape(forename)}</Forename>", f"<DOB>{dob}</DOB>"]
    if sex:
        parts.append(f"<{sex_tag}>{sex}</{sex_tag}>")
    basic = [f"<NCyearActual>{year}</NCyearActual>"] if year else []
    if first_language:
        basic.append(f"<Languages><Type><LanguageType>F</LanguageType><Language>{first_language}"
                     "</Language></Type></Languages>")
    parts.append(f"<BasicDetails>{''.join(basic)}</BasicDetails>")
    if fsm:
        spells = "".join(f"<FSMinstance><FSMstartDate>{start}</FSMstartDate>"
                         + (f"<FSMendDate>{end}</FSMendDate>" if end else "") + "</FSMinstance>"
                         for start, end in fsm)
        parts.append(f"<FSMhistory>{spells}</FSMhistory>")
    if sen:
        parts.append(f"<SENhistory><SEN><StartDate>2025-09-01</StartDate><SENprovision>{sen}"
                     "</SENprovision></SEN></SENhistory>")
    if results:
        rows = "".join("<StageAssessment>" + "".join(f"<{k}>{v}</{k}>" for k, v in r.items())
                       + "</StageAssessment>" for r in results)
        parts.append(f"<StageAssessments><KeyStage><Stage>KS2</Stage>{rows}</KeyStage></StageAssessments>")
    return f"<Pupil>{''.join(parts)}</Pupil>"


def ctf_xml(pupils: list[str], *, qualifier: str = "full", dest: tuple[str, str] = ("801", "2417"),
            namespace: str | None = None, version: str = "25.0") -> str:
    ns = f' xmlns="{namespace}"' if namespace else ""
    return (f'<?xml version="1.0" encoding="UTF-8"?>\n<CTfile{ns}><Header>'
            f"<DocumentName>Common Transfer File</DocumentName><CTFversion>{version}</CTFversion>"
            f"<DateTime>2027-09-03T10:00:00</DateTime><DocumentQualifier>{qualifier}</DocumentQualifier>"
            "<SupplierID>Test MIS</SupplierID>"
            "<SourceSchool><LEA>802</LEA><Estab>3001</Estab><URN>100001</URN>"
            "<SchoolName>Elsewhere Primary</SchoolName><AcademicYear>2026</AcademicYear></SourceSchool>"
            f"<DestSchool><LEA>{dest[0]}</LEA><Estab>{dest[1]}</Estab><URN>100002</URN></DestSchool>"
            f"</Header><CTFpupilData>{''.join(pupils)}</CTFpupilData></CTfile>\n")
