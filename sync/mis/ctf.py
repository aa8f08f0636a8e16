"""Reading a DfE Common Transfer File (CTF) as untrusted XML.

The file is parsed by defusedxml with DTDs, entity declarations and external references
refused (a CTF never has them; an XXE or "billion laughs" file is one sentence, never parsed).
Elements are matched by local name, so files of older schemas that carry a namespace read the
same; `Sex` and the older `Gender` are both accepted. Refusals name the element (`Pupil 3`),
never a pupil's data.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from pathlib import Path
from xml.etree.ElementTree import Element, ParseError

import pandas as pd
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from functions.roll import INCOMING, ever_six_fsm
from sync.errors import SettingsError

ASSESSMENTS = ["source", "UPN", "Stage", "Locale", "Year", "Subject", "Method", "Component",
               "ResultStatus", "ResultQualifier", "Result"]
_ENGLISH = {"ENG", "ENB"}   # CBDS first-language codes: English; believed to be English
_SEX = {"M": "M", "F": "F", "MALE": "M", "FEMALE": "F"}


@dataclass
class CtfFile:
    name: str
    qualifier: str            # "full" or "partial" (as the header says, lower case)
    source_school: str        # "LEA 801, Estab 2417, <school name>"
    destination: str          # LEA and Estab run together, "8012417"; "" when absent
    pupils: pd.DataFrame      # functions.roll.INCOMING
    assessments: pd.DataFrame  # ASSESSMENTS


def _local(tag: object) -> str:
    return str(tag).rsplit("}", 1)[-1]


def _child(element: Element | None, name: str) -> Element | None:
    if element is None:
        return None
    return next((child for child in element if _local(child.tag) == name), None)


def _children(element: Element | None, name: str) -> list[Element]:
    return [] if element is None else [child for child in element if _local(child.tag) == name]


def _text(element: Element | None, *path: str) -> str:
    for name in path:
        element = _child(element, name)
    return (element.text or "").strip() if element is not None else ""


def read_ctf(path: Path, today: date) -> CtfFile:
    """The pupils and stage assessments of one CTF. Raises SettingsError (exit 2) with one
    sentence when the file is not a CTF we can trust or read."""
    try:
        data = path.read_bytes()
    except OSError as error:
        raise SettingsError(f"{path.name} could not be read ({error.strerror}).") from error
    try:
        root = fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as error:
        raise SettingsError(f"{path.name} declares a DTD or entities ({type(error).__name__}), "
                            "which a Common Transfer File never has; it was not read.") from None
    except ParseError as error:
        line = error.position[0] if getattr(error, "position", None) else "?"
        raise SettingsError(f"{path.name} is not well-formed XML (line {line}); it was not read.") from None
    if _local(root.tag) != "CTfile":
        raise SettingsError(f"{path.name}: the root element is {_local(root.tag)}, not CTfile; "
                            "is it a Common Transfer File?")
    header = _child(root, "Header")
    if header is None:
        raise SettingsError(f"{path.name}: element CTfile/Header is missing.")
    source = _child(header, "SourceSchool")
    dest = _child(header, "DestSchool")
    pupils, assessments = [], []
    for number, pupil in enumerate(_children(_child(root, "CTFpupilData"), "Pupil"), start=1):
        where = f"{path.name}, Pupil {number}"
        pupils.append(_pupil(pupil, where, today))
        assessments += _assessments(pupil, where, pupils[-1]["UPN"])
    return CtfFile(
        name=path.name,
        qualifier=_text(header, "DocumentQualifier").casefold(),
        source_school=", ".join(part for part in (
            _labelled("LEA", _text(source, "LEA")), _labelled("Estab", _text(source, "Estab")),
            _text(source, "SchoolName")) if part),
        destination=_text(dest, "LEA") + _text(dest, "Estab"),
        pupils=pd.DataFrame(pupils, columns=INCOMING),
        assessments=pd.DataFrame(assessments, columns=ASSESSMENTS),
    )


def _labelled(label: str, value: str) -> str:
    return f"{label} {value}" if value else ""


def _pupil(pupil: Element, where: str, today: date) -> dict:
    basic = _child(pupil, "BasicDetails")
    dob_text = _text(pupil, "DOB") or _text(basic, "DOB")
    dob = pd.to_datetime(dob_text, format="%Y-%m-%d", errors="coerce") if dob_text else pd.NaT
    if dob_text and pd.isna(dob):
        raise SettingsError(f"{where}: DOB must be a date written YYYY-MM-DD.")
    sex_text = (_text(pupil, "Sex") or _text(pupil, "Gender") or _text(basic, "Sex")
                or _text(basic, "Gender")).upper()
    if sex_text and sex_text not in _SEX:
        raise SettingsError(f"{where}: Sex must be M or F.")
    year_text = _text(basic, "NCyearActual") or _text(pupil, "NCyearActual")
    year = int(year_text) if year_text.isdigit() and 1 <= int(year_text) <= 6 else None
    spells = pd.DataFrame([{"start": _text(spell, "FSMstartDate"), "end": _text(spell, "FSMendDate") or None}
                           for spell in _children(_child(pupil, "FSMhistory"), "FSMinstance")],
                          columns=["start", "end"])
    sen = [(_text(entry, "StartDate"), _text(entry, "SENprovision").upper())
           for entry in _children(_child(pupil, "SENhistory"), "SEN")]
    sen_now = max(sen)[1] if sen else ""
    first_language = [_text(entry, "Language").upper()
                      for entry in _children(_child(basic, "Languages") or _child(pupil, "Languages"), "Type")
                      if _text(entry, "LanguageType").upper() in ("F", "FIRST")]
    return {
        "source": where,
        "UPN": "".join(_text(pupil, "UPN").split()).upper(),
        "First name": _text(pupil, "PreferredForename") or _text(pupil, "Forename"),
        "Last name": _text(pupil, "PreferredSurname") or _text(pupil, "Surname"),
        "Date of birth": dob,
        "Gender": _SEX.get(sex_text, ""),
        "Pupil premium": ("Y" if ever_six_fsm(spells, today) else "N") if len(spells) else "",
        "SEN": sen_now if sen_now in ("N", "K", "E") else "",
        "EAL": ("N" if first_language[0] in _ENGLISH else "Y") if first_language else "",
        "Year": year,
        "Registration group": "",
    }


def _assessments(pupil: Element, where: str, upn: str) -> list[dict]:
    rows = []
    for stage in _children(_child(pupil, "StageAssessments"), "KeyStage"):
        name = _text(stage, "Stage")
        for result in _children(stage, "StageAssessment"):
            row = {column: _text(result, column) for column in ASSESSMENTS[3:]}
            rows.append({"source": where, "UPN": upn, "Stage": name, **row})
    return rows
