"""`python -m sync ...`: the command line."""
from sync.cli import cli

if __name__ == "__main__":
    cli(prog_name="python -m sync")
