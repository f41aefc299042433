"""What every app uses and no domain owns: the refusal error type, the role groups, uploads and the
safe Excel reader, the working-day calendar, notifications and chat channels.

The platform imports nothing from the domain apps (org, accounts, worklog, ballot, appraisal): the
import-linter contract in ``pyproject.toml`` keeps it so."""
