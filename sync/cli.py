"""The command line: `python -m sync --help` is the map of the product.

Every command turns the shell's named errors into one plain sentence and an exit code:
0 done, 1 failed (outputs old or wholly new), 2 bad usage or settings, 3 already running.
"""
from __future__ import annotations

import logging
import sys
from collections.abc import Callable
from pathlib import Path

import click

from sync.command_errors import plain_errors
from sync.errors import ReportsUnavailable
from sync.stores import open_store
from sync.words import plural

DEFAULT_DEMO_FOLDER = "demo-school"


@click.group()
@click.option("-v", "--verbose", count=True, help="More log lines (-vv for debug). Logs never hold pupil data.")
def cli(verbose: int) -> None:
    """Pupil tracking for primary schools: sync class spreadsheets into summaries and reports.

    Start with `python -m sync demo`, then open demo-school/Tracker results.xlsx.
    """
    level = {0: logging.WARNING, 1: logging.INFO}.get(verbose, logging.DEBUG)
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s")


@cli.command()
@click.argument("directory", default=DEFAULT_DEMO_FOLDER, type=click.Path(file_okay=False))
@click.option("--seed", default=1, show_default=True, help="Same seed, same school.")
@click.option("--framework", type=click.Choice(["points", "steps"]), default="points", show_default=True)
@plain_errors
def demo(directory: str, seed: int, framework: str) -> None:
    """Build a realistic demo school in DIRECTORY, sync it and write its parent reports.

    Example: python -m sync demo
    """
    from sync.demo import build_demo
    from sync.job import run_sync
    from sync.local_store import RESULTS_FILE, SUMMARY_FILE, LocalStore

    folder = Path(directory)
    if folder.exists() and any(folder.iterdir()):
        raise click.UsageError(f"{folder} is not empty; name a new folder or remove it first.")
    click.echo(f"Building a demo school in {folder} ...")
    build_demo(folder, seed=seed, framework=framework)
    outcome = run_sync(LocalStore(folder), progress=_progress())
    click.echo(outcome.summary_line())
    click.echo("Writing a parent report for every pupil ...")
    places = [
        (folder / SUMMARY_FILE, "the school's Settings and Staff (yours; only read)"),
        (folder / RESULTS_FILE, "the school's figures (start with Summary)"),
        (folder / "classes", "the teachers' class workbooks"),
        (folder / "summaries", "each class's Class summary and Problems"),
    ]
    try:
        written = _write_reports(LocalStore(folder), window=None, class_name=None, upn=None,
                                 jobs=None, force=False)
    except ReportsUnavailable as error:
        click.echo(f"No parent reports: {error}", err=True)
    else:
        click.echo(_reports_line(written))
        places.append((folder / "reports", "parent reports (PDF)"))
    width = max(len(str(path)) for path, _ in places)
    click.echo("\nWhere to look:")
    for path, what in places:
        click.echo(f"  {str(path):<{width}}  {what}")


@cli.command()
@click.argument("school", required=False, type=click.Path(file_okay=False))
@click.option("--google", metavar="SPREADSHEET_ID", help="Sync the school whose Tracker summary is this Google spreadsheet.")
@click.option("--full", is_flag=True, help="Read every workbook, ignoring what the last run saw.")
@click.option("--window", help="Use this window instead of the Settings' Current window.")
@plain_errors
def run(school: str | None, google: str | None, full: bool, window: str | None) -> None:
    """Sync one school: read every class workbook, write the summaries.

    Example: python -m sync run demo-school
    """
    from sync.job import run_sync

    outcome = run_sync(open_store(school, google), full=full, window=window, progress=_progress())
    click.echo(outcome.summary_line())


@cli.command()
@click.argument("school", required=False, type=click.Path(file_okay=False))
@click.option("--google", metavar="SPREADSHEET_ID", help="Check a Google-mode school.")
@click.option("--window", help="Use this window instead of the Settings' Current window.")
@plain_errors
def check(school: str | None, google: str | None, window: str | None) -> None:
    """Read and validate every class workbook and print the problems; write nothing.

    Example: python -m sync check demo-school
    """
    from sync.job import check_school

    problems = check_school(open_store(school, google), window=window)
    for workbook, tab, cell, found, expected, severity in problems.itertuples(index=False):
        click.echo(f"{severity:7}  {workbook} / {tab} {cell}: found {found!r}, expected {expected}")
    errors = int((problems["Severity"] == "error").sum())
    click.echo(f"{plural(errors, 'error')}, {plural(len(problems) - errors, 'warning')}.")
    if errors:
        sys.exit(1)


@cli.command()
@click.argument("school", required=False, type=click.Path(file_okay=False))
@click.option("--google", metavar="SPREADSHEET_ID", help="Write the reports of a Google-mode school.")
@click.option("--window", help="The window to report on (default: the current window).")
@click.option("--class", "class_name", help="Only this class.")
@click.option("--pupil", "upn", metavar="UPN", help="Only this pupil.")
@click.option("--jobs", type=click.IntRange(min=1), default=None,
              help="Processes to render with.  [default: every core]")
@click.option("--force", is_flag=True,
              help="Draw every report again, even those whose content has not changed.")
@plain_errors
def reports(school: str | None, google: str | None, window: str | None, class_name: str | None,
            upn: str | None, jobs: int | None, force: bool) -> None:
    """Write a parent report for each pupil on roll.

    A report whose content (and template) has not changed since it was last written is kept as it
    is; --force draws them all again.

    Example: python -m sync reports demo-school --class Oak
    """
    if school and not google and not force:   # a quick look before reading any workbook
        from sync.reports.fresh import up_to_date

        unchanged = up_to_date(Path(school), window=window, class_name=class_name, upn=upn)
        if unchanged is not None:
            click.echo(f"Nothing has changed since the last run: {unchanged} parent reports "
                       "are up to date.")
            return
    written = _write_reports(open_store(school, google), window=window, class_name=class_name,
                             upn=upn, jobs=jobs, force=force)
    click.echo(_reports_line(written))


@cli.command("new-class")
@click.argument("school", type=click.Path(file_okay=False, exists=True))
@click.option("--name", required=True, help="The class name, e.g. Oak.")
@click.option("--year", required=True, type=click.IntRange(1, 6), help="Year group, 1 to 6.")
@click.option("--teacher", default="", help="The class teacher's name.")
@click.option("--pupils", type=click.Path(dir_okay=False, exists=True),
              help="A CSV with the Pupils columns (UPN, First name, Last name, ...).")
@plain_errors
def new_class(school: str, name: str, year: int, teacher: str, pupils: str | None) -> None:
    """Create a class workbook in SCHOOL/classes from the templates.

    Example: python -m sync new-class demo-school --name Rowan --year 3 --pupils rowan.csv
    """
    from sync.new_class import create_class_workbook

    path = create_class_workbook(Path(school), name=name, year=year, teacher=teacher,
                                 pupils_csv=Path(pupils) if pupils else None)
    click.echo(f"Created {path}.")


@cli.command()
@click.argument("trust_folder", required=False, metavar="TRUST", type=click.Path(file_okay=False))
@click.option("--google", metavar="SPREADSHEET_ID", help="The trust whose Trust summary is this Google spreadsheet.")
@click.option("--window", help="Count this window (default: the latest any school has synced).")
@click.option("--year", "academic_year", metavar="YYYY-YY", help="The academic year of --window.")
@plain_errors
def trust(trust_folder: str | None, google: str | None, window: str | None,
          academic_year: str | None) -> None:
    """Write a trust's Trust summary from its schools' latest syncs, computed from pupils.

    TRUST is a folder of school folders. Example: python -m sync trust my-trust
    """
    from sync.trust import run_trust_google, run_trust_local

    if google:
        outcome = run_trust_google(google, window=window, academic_year=academic_year)
    elif trust_folder:
        outcome = run_trust_local(Path(trust_folder), window=window, academic_year=academic_year)
    else:
        raise click.UsageError("Name a trust folder, or --google SPREADSHEET_ID.")
    click.echo(outcome.summary_line())


@cli.command()
@click.option("--port", type=int, envvar="PORT", default=8080, show_default=True)
def serve(port: int) -> None:
    """Run the web service on 127.0.0.1 (what App Engine runs, for trying locally)."""
    from sync.web import create_app

    create_app().run(host="127.0.0.1", port=port)


def _write_reports(store, *, window, class_name, upn, jobs, force) -> list:
    from contextlib import nullcontext

    from sync.report_job import write_reports_for_school

    # a school folder's lock, as `run` takes it: reports never read a sync's half-written outputs
    with store.lock() if store.folder is not None else nullcontext():
        return write_reports_for_school(store, window=window, class_name=class_name, upn=upn,
                                        jobs=jobs, force=force)


def _reports_line(written: list) -> str:
    """What the reports command did: approved and draft reports counted apart, pupils skipped."""
    line = getattr(written, "summary_line", None)
    return line() if line else f"Wrote {len(written)} parent reports."


def _progress() -> Callable[[str, int, int], None] | None:
    """A one-line progress display on a terminal; nothing when output is piped or in CI."""
    if not sys.stderr.isatty():
        return None

    def show(stage: str, done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        click.echo(f"\r{stage}: {done}/{total}".ljust(60), err=True, nl=False)
        if end:
            click.echo("", err=True)

    return show


from sync.year.commands import register as _register_year_commands  # noqa: E402

_register_year_commands(cli)
