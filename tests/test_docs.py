"""The admin guide (docs/admin-guide.*.md): both languages exist with the same chapters,
the Chinese one is written in Chinese, neither names the developers' documents or rule ids,
and every `flask …` command it tells an administrator to run exists in the app's CLI."""
from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask import Flask

ROOT = Path(__file__).resolve().parent.parent
GUIDES = {"zh": ROOT / "docs" / "admin-guide.zh.md", "en": ROOT / "docs" / "admin-guide.en.md"}
README = ROOT / "README.md"

# What only the developers read: never named in what administrators read.
FORBIDDEN = [re.compile(r"R-[A-Z]+-\d"), re.compile(re.escape("RULES.md")),
             re.compile(re.escape("STACK.md")), re.compile(re.escape("../shared"))]
CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
LATIN = re.compile(r"[A-Za-z]")
# `flask <command> [<subcommand>]`, also as `.venv/bin/flask …`.
FLASK_COMMAND = re.compile(r"(?<![\w-])flask\s+([a-z][a-z0-9_-]*)(?:[ \t]+([a-z][a-z0-9_-]*))?")
COMMANDS_SECTION = re.compile(r"^Commands:\s*$(.*?)(?:^\S|\Z)", re.MULTILINE | re.DOTALL)


def text(name: str) -> str:
    return GUIDES[name].read_text(encoding="utf-8")


def prose(markdown: str) -> str:
    """The guide without code blocks and inline code, where commands and keys live."""
    without_blocks = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    return re.sub(r"`[^`]*`", "", without_blocks)


def sections(markdown: str) -> list[str]:
    body = re.sub(r"```.*?```", "", markdown, flags=re.DOTALL)
    return [line for line in body.splitlines() if line.startswith("## ")]


def test_both_guides_exist_with_the_same_chapters() -> None:
    for path in GUIDES.values():
        assert path.is_file(), path
    zh, en = sections(text("zh")), sections(text("en"))
    assert len(zh) >= 5
    assert len(zh) == len(en), (zh, en)


def test_the_chinese_guide_is_written_in_chinese() -> None:
    body = prose(text("zh"))
    cjk, latin = len(CJK.findall(body)), len(LATIN.findall(body))
    assert cjk > 3000
    assert cjk / (cjk + latin) > 0.6, (cjk, latin)
    # and the English one in English
    english = prose(text("en"))
    assert len(LATIN.findall(english)) > 10 * len(CJK.findall(english))


@pytest.mark.parametrize("name", sorted(GUIDES))
def test_no_developer_documents_or_rule_ids(name: str) -> None:
    body = text(name)
    for pattern in FORBIDDEN:
        assert not pattern.search(body), (name, pattern.pattern)


def test_readme_links_both_guides_and_names_no_missing_document() -> None:
    readme = README.read_text(encoding="utf-8")
    assert "docs/admin-guide.zh.md" in readme and "docs/admin-guide.en.md" in readme
    for path in (README, ROOT / "requirements.txt"):
        body = path.read_text(encoding="utf-8")
        for pattern in FORBIDDEN:
            assert not pattern.search(body), (path.name, pattern.pattern)
    # every local document the README links to is in the repository
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", readme):
        assert (ROOT / target).exists(), target


@pytest.mark.parametrize("name", sorted(GUIDES))
def test_local_links_of_the_guides_exist(name: str) -> None:
    for target in re.findall(r"\]\(([^)#:]+)(?:#[^)]*)?\)", text(name)):
        assert (GUIDES[name].parent / target).exists(), target


def cli_commands(app: Flask, *group: str) -> set[str]:
    """The commands `flask [group] --help` lists, asked of the app's own CLI."""
    result = app.test_cli_runner().invoke(args=[*group, "--help"])
    assert result.exit_code == 0, result.output
    listed = COMMANDS_SECTION.search(result.output)
    assert listed, result.output
    return {line.split()[0] for line in listed.group(1).splitlines() if line.strip()}


def mentioned_commands() -> set[tuple[str, str | None]]:
    found = set()
    for name in GUIDES:
        for command, sub in FLASK_COMMAND.findall(text(name)):
            found.add((command, sub or None))
    return found


def test_the_guides_mention_the_everyday_commands() -> None:
    mentioned = {c for c, _sub in mentioned_commands()}
    assert {"roles", "sla", "calendar", "backup", "restore", "surveys", "demo", "db"} <= mentioned


def test_every_flask_command_in_the_guides_exists(app: Flask) -> None:
    top = cli_commands(app)
    groups: dict[str, set[str]] = {}
    for command, sub in sorted(mentioned_commands(), key=lambda c: (c[0], c[1] or "")):
        assert command in top, f"flask {command} is not a command of the app ({sorted(top)})"
        group = app.cli.get_command(None, command)  # type: ignore[arg-type]
        if sub is None or not hasattr(group, "list_commands"):
            continue  # a plain command: what follows is its argument
        if command not in groups:
            groups[command] = cli_commands(app, command)
        assert sub in groups[command], f"flask {command} {sub} does not exist"


def test_the_command_check_catches_a_missing_command(app: Flask) -> None:
    """The check above can fail: an invented command is not among the app's commands."""
    assert "tick" in cli_commands(app, "sla")
    assert "nonsense" not in cli_commands(app, "sla")
    assert "nonsense" not in cli_commands(app)


def menu_entries(app: Flask, locale: str) -> list[tuple[str, str, bool]]:
    """(category, entry, translated) of every entry of the app's menu, labels in `locale`;
    `translated` is False for an entry the catalog does not translate yet."""
    from flask_babel import force_locale

    entries = []
    with app.test_request_context():
        for item in app.appbuilder.menu.get_list():
            for child in item.childs:
                with force_locale("en"):
                    english = str(child.label or child.name)
                with force_locale(locale):
                    category = str(item.label or item.name)
                    entry = str(child.label or child.name)
                entries.append((category, entry, locale == "en" or entry != english))
    return entries


MENU_PATH = {"en": re.compile(r"\*([A-Z][\w -]*?) → ([^*\n]+?)\*"),
             "zh": re.compile(r"([\u4e00-\u9fff]+) → ([\u4e00-\u9fff]+)")}


@pytest.mark.parametrize("name,locale", [("en", "en"), ("zh", "zh_Hans")])
def test_menu_paths_in_the_guides_exist(app: Flask, name: str, locale: str) -> None:
    """Every "Category → Entry" the guide names is an entry of the menu in its language.
    A category holding an entry the catalog does not translate yet (a page just added)
    cannot be checked in Chinese until the translations are compiled."""
    entries = menu_entries(app, locale)
    categories = {c for c, _e, _t in entries}
    paths = {(c, e) for c, e, _t in entries}
    pending = {c for c, _e, translated in entries if not translated}
    named = [(c, e) for c, e in MENU_PATH[name].findall(text(name)) if c in categories]
    assert len(named) >= 15, named
    for category, entry in named:
        if category not in pending:
            assert (category, entry) in paths, (category, entry, sorted(paths))
