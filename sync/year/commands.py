"""The year commands of the command line: import, new-year, forget, export (registered in
sync.cli). These write into files people own; each says so in its help."""
from __future__ import annotations

from pathlib import Path

import click

from sync.cli import plain_errors


@click.command("import")
@click.argument("school", type=click.Path(file_okay=False, exists=True))
@click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False, exists=True))
@click.option("--class", "class_name", help="The class new pupils join (else their registration group).")
@click.option("--dry-run", is_flag=True, help="Print what would change and write nothing.")
@click.option("--whole-roll", is_flag=True,
              help="The files list every pupil on roll: list pupils on roll who are not in them.")
@click.option("--mapping", help="The CSV column mapping to use (a section of sheets_templates/mis/columns.toml).")
@plain_errors
def import_command(school: str, files: tuple[str, ...], class_name: str | None, dry_run: bool,
                   whole_roll: bool, mapping: str | None) -> None:
    """Bring pupils from the school's MIS into this year's class workbooks.

    FILES are DfE Common Transfer Files (.xml) or CSV exports from SIMS, Arbor or Bromcom
    (columns named in sheets_templates/mis/columns.toml; a school adds its own in
    SCHOOL/mis-columns.toml). Pupils are matched by UPN, else by name and date of birth. New
    pupils join the class their registration group names (or --class) with Joined on; blank
    Pupils cells are filled; a cell typed differently is never changed but printed as a problem;
    pupils not in a whole-roll file are listed, never deleted.

    THIS COMMAND WRITES INTO TEACHERS' CLASS WORKBOOKS. It keeps a copy of every workbook it
    changes in SCHOOL/previous/import <date time>/. Try --dry-run first.

    Example: python -m sync import demo-school arrivals.xml --class Rowan --dry-run
    """
    from sync.mis.importer import import_pupils

    result = import_pupils(Path(school), [Path(f) for f in files], class_name=class_name,
                           dry_run=dry_run, whole_roll=whole_roll, mapping=mapping)
    for line in result.lines:
        click.echo(line)


def register(cli: click.Group) -> None:
    for command in (import_command,):
        cli.add_command(command)
