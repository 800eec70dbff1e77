"""`python -m chatbot report`: what students asked and where the bot failed, for the aid office.

    python -m chatbot report --out DIR [--school ID] [--since YYYY-MM-DD] [--database URL]

Writes DIR/report.md, DIR/report.html, four PNG charts (questions per day, top topics, answered vs
not sure vs redirected, thumbs-down rate), DIR/turns.csv and DIR/feedback.csv. The database is
--database, else CHATBOT_DATABASE_URL, else the default SQLite file (chatbot/store/config.py).
Only redacted text is ever stored, so the report holds nothing the store did not already keep.
Numbers: chatbot/report/data.py; charts: report_charts.py; Markdown/HTML: report_render.py.
"""
from __future__ import annotations

import argparse
import csv
import json
import sys
from datetime import date, datetime, time, timezone
from pathlib import Path
from typing import Callable

from sqlalchemy.engine import make_url

from chatbot.report.data import outcome, summarize, topic_from_id
from chatbot.report.render import Meta, html_page, markdown

TURN_COLUMNS = ("id", "created_at", "session_id", "school", "lang", "status", "outcome", "route", "grounded",
                "confidence", "latency_ms", "model", "question", "answer", "citations", "flags")
FEEDBACK_COLUMNS = ("turn_id", "created_at", "rating", "comment", "school", "route", "question")


def kb_topics(log: Callable[[str], None] = lambda m: print(m, file=sys.stderr)) -> Callable[[str], tuple[str, ...]]:
    """Citation id -> topics from the knowledge base; the id's prefix for ids it no longer has."""
    from chatbot.kb.loader import KBError, load_kb

    try:
        topics = {e.id: e.topics for e in load_kb()}
    except (KBError, OSError) as exc:  # the report still runs, topics then come from the id prefix
        log(f"warning: knowledge base not loaded ({str(exc).splitlines()[0]}); topics from citation ids")
        return topic_from_id
    return lambda cid: topics.get(cid) or topic_from_id(cid)


def spreadsheet_safe(value: object) -> object:
    """Text starting with = + - @ would run as a formula when staff open the CSV in a spreadsheet."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + value
    return value


def _cell(value: object) -> object:
    if isinstance(value, (list, dict)):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    return spreadsheet_safe(value)


def write_csv(path: Path, rows: list[dict], columns: tuple[str, ...]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as f:
        writer = csv.writer(f)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])


def _since(text: str) -> datetime:
    try:
        return datetime.combine(date.fromisoformat(text), time(0))
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def _missing_sqlite_file(url: str) -> str | None:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        if not Path(parsed.database).is_file():
            return parsed.database
    return None


def build_report(store, out: Path, school: str | None = None, since: datetime | None = None,
                 topics_of: Callable[[str], tuple[str, ...]] = topic_from_id) -> dict[str, Path]:
    """Write every report file into `out`; returns {name: path}."""
    from chatbot.report.charts import write_charts  # matplotlib loads only when a report is made

    turns, feedback = store.turn_rows(school, since), store.feedback_rows(school, since)
    for row in turns:
        row["outcome"] = outcome(row)
    data = summarize(turns, feedback, topics_of)
    out.mkdir(parents=True, exist_ok=True)
    scope = ", ".join(filter(None, [f"school {school}" if school else "all schools",
                                    f"since {since:%Y-%m-%d}" if since else "all dates"]))
    meta = Meta("Student Aid Helper report", scope, datetime.now(timezone.utc).isoformat(timespec="seconds"))
    paths = dict(write_charts(data, out))
    paths["turns.csv"], paths["feedback.csv"] = out / "turns.csv", out / "feedback.csv"
    write_csv(paths["turns.csv"], turns, TURN_COLUMNS)
    write_csv(paths["feedback.csv"], feedback, FEEDBACK_COLUMNS)
    paths["report.md"], paths["report.html"] = out / "report.md", out / "report.html"
    paths["report.md"].write_text(markdown(data, meta), encoding="utf-8")
    paths["report.html"].write_text(html_page(data, meta), encoding="utf-8")
    return paths


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m chatbot report", description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True, type=Path, help="folder for the report files (created)")
    parser.add_argument("--school", help="only this school's questions (its id, as in /embed?school=ID)")
    parser.add_argument("--since", type=_since, help="only questions from this date on (YYYY-MM-DD, UTC)")
    parser.add_argument("--database", help="SQLAlchemy URL (default: CHATBOT_DATABASE_URL or the default file)")
    args = parser.parse_args(argv)

    from chatbot.store.config import StorageConfigError, storage_config
    from chatbot.store.storage import Store

    try:
        url = args.database or storage_config().url
    except StorageConfigError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if missing := _missing_sqlite_file(url):  # opening it would create an empty database
        print(f"error: no database at {missing} (pass --database or set CHATBOT_DATABASE_URL)", file=sys.stderr)
        return 2
    store = Store(url)
    try:
        paths = build_report(store, args.out, args.school, args.since, kb_topics())
    finally:
        store.close()
    for path in paths.values():
        print(path)
    return 0
