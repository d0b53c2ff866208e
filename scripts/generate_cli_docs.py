#!/usr/bin/env python3
"""The isobench(1) man page and the bash completion, generated from the CLI's own --help.

  generate_cli_docs.py ISOBENCH --version VERSION --man OUT.1 --completion OUT.bash

Runs `ISOBENCH --help` and `ISOBENCH SUBCOMMAND --help` for every subcommand the first one
lists, and writes both files from what they print, so that neither can fall behind the
options the executable really has. Run by the build after the isobench target (cli/); the
outputs are build products, never committed.
"""

import argparse
import re
import subprocess
import sys
from dataclasses import dataclass, field

# CLI11's help: section headings at column 0, entries indented; a description too long for
# its column continues on the next, more indented line.
ENTRY = re.compile(r"^ {1,4}(\S.*?)(?: {2,}(\S.*))?$")
CONTINUATION = re.compile(r"^ {6,}(\S.*)$")


@dataclass
class Option:
    names: list  # ["-o", "--output"]
    value: str  # "" for a flag, else the value's type as help prints it: "TEXT=-"
    choices: list  # the values a {a,b,c} type allows
    description: str


@dataclass
class Entry:
    name: str
    kind: str  # a positional's type as help prints it; "" for a subcommand
    description: str


@dataclass
class Command:
    name: str
    summary: str = ""
    usage: str = ""
    options: list = field(default_factory=list)
    positionals: list = field(default_factory=list)  # Entry
    subcommands: list = field(default_factory=list)  # Entry


def help_text(isobench, words):
    run = subprocess.run([isobench, *words, "--help"], capture_output=True, text=True, timeout=60)
    if run.returncode != 0:
        sys.exit(f"generate_cli_docs: `{' '.join([isobench, *words, '--help'])}` exited {run.returncode}: {run.stderr}")
    return run.stdout


def parse_option(left, description):
    head, _, value = left.partition(" ")
    names = [name for name in head.split(",") if name.startswith("-")]
    choices = re.search(r"\{([^}]*)\}", value)
    return Option(names, value.strip(), choices.group(1).split(",") if choices else [], description)


def parse_entry(command, section, left, description):
    """The option, positional or subcommand an entry line describes, added to `command`."""
    if section == "options" and left.startswith("-"):
        command.options.append(parse_option(left, description))
        return command.options[-1]
    word, _, kind = left.partition(" ")
    if section == "positionals":
        command.positionals.append(Entry(word, kind.strip(), description))
        return command.positionals[-1]
    if section == "subcommands":
        command.subcommands.append(Entry(word, "", description))
        return command.subcommands[-1]
    return None


def parse_help(name, text):
    command = Command(name)
    section = None
    last = None  # the entry a continuation line belongs to
    for line in text.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            if line.startswith("Usage:"):
                command.usage = line[len("Usage:"):].strip()
            elif line.endswith(":"):
                section = line[:-1].strip().lower()
            elif not command.summary:
                command.summary = line.strip()
            continue
        continued = CONTINUATION.match(line)
        if continued and last is not None and not last.description:
            last.description = continued.group(1)
        elif entry := ENTRY.match(line):
            last = parse_entry(command, section, entry.group(1), entry.group(2) or "")
    return command


def roff(text):
    text = text.replace("\\", "\\e").replace("-", "\\-")
    return "\\&" + text if text[:1] in (".", "'") else text


def option_heading(option):
    names = ", ".join(f"\\fB{roff(name)}\\fR" for name in option.names)
    return f"{names} \\fI{roff(option.value)}\\fR" if option.value else names


def usage_line(command):
    usage = command.usage if command.usage.startswith("isobench") else f"isobench {command.usage}"
    program, _, rest = usage.partition(" ")
    return f"Usage: \\fB{program}\\fR {roff(rest)}"


def man_page(top, commands, version):
    lines = [
        f'.TH ISOBENCH 1 "" "isobench {roff(version)}" "User Commands"',
        ".SH NAME",
        f"isobench \\- {roff(top.summary.partition(': ')[2] or top.summary)}",
        ".SH SYNOPSIS",
        ".B isobench",
        "[\\fIOPTIONS\\fR] \\fICOMMAND\\fR [\\fICOMMAND OPTIONS\\fR]",
        ".SH DESCRIPTION",
        f"\\fBisobench\\fR: {roff(top.summary.partition(': ')[2] or top.summary)}.",
        "Each command's options follow; \\fBisobench \\fICOMMAND\\fB \\-\\-help\\fR prints the same text.",
        ".SH OPTIONS",
    ]
    for option in top.options:
        lines += [".TP", option_heading(option), roff(option.description)]
    lines.append(".SH COMMANDS")
    for command in commands:
        lines += [f'.SS "isobench {command.name}"', roff(command.summary), ".PP", usage_line(command)]
        for positional in command.positionals:
            lines += [".TP", f"\\fI{roff(positional.name)}\\fR {roff(positional.kind)}", roff(positional.description)]
        for option in command.options:
            lines += [".TP", option_heading(option), roff(option.description)]
    lines += [
        ".SH EXIT STATUS",
        "0 on success; the command's own exit status for \\fBrun\\fR; 1 on a regression for \\fBcompare\\fR;",
        "non\\-zero with a message on standard error otherwise.",
        ".SH SEE ALSO",
        "runc(8), crun(1), bwrap(1), qemu\\-system\\-x86_64(1)",
    ]
    return "\n".join(lines) + "\n"


def shell_words(words):
    return " ".join(words)


def value_cases(command, indent):
    """`case $prev` arms completing the value of an option that takes one."""
    arms, free = [], []
    for option in command.options:
        if option.choices:
            words = shell_words(option.choices)
            arms.append(f'{indent}{"|".join(option.names)}) COMPREPLY=($(compgen -W "{words}" -- "$cur")); return 0 ;;')
        elif option.value:
            free += option.names
    if free:  # a number, a size or a path: readline's file name completion (-o default)
        arms.append(f"{indent}{'|'.join(free)}) return 0 ;;")
    return arms


def completion(top, commands):
    names = [command.name for command in commands]
    lines = [
        "# bash completion for isobench: generated from `isobench --help` by scripts/generate_cli_docs.py.",
        "_isobench() {",
        '  local cur="${COMP_WORDS[COMP_CWORD]}" prev="${COMP_WORDS[COMP_CWORD-1]}" command="" i',
        "  COMPREPLY=()",
        "  for ((i = 1; i < COMP_CWORD; i++)); do",
        '    case "${COMP_WORDS[i]}" in',
        f"      {'|'.join(names)}) command=\"${{COMP_WORDS[i]}}\"; break ;;",
        "    esac",
        "  done",
        "  # After --, the words are a command of the image or the host: file names.",
        "  for ((i = i + 1; i < COMP_CWORD; i++)); do",
        '    [[ "${COMP_WORDS[i]}" == -- ]] && return 0',
        "  done",
        "  local options",
        '  case "$command" in',
    ]
    for command in [top, *commands]:
        label = command.name if command is not top else '""'
        words = [name for option in command.options for name in option.names]
        if command is top:
            words += names
        lines.append(f"    {label})")
        arms = value_cases(command, "        ")
        if arms:
            lines += ['      case "$prev" in', *arms, "      esac"]
        lines.append(f'      options="{shell_words(words)}" ;;')
    lines += [
        "  esac",
        '  if [[ "$cur" == -* || -z "$command" ]]; then',
        '    COMPREPLY=($(compgen -W "$options" -- "$cur"))',
        "  fi",
        "  return 0",
        "}",
        "complete -o bashdefault -o default -F _isobench isobench",
    ]
    return "\n".join(lines) + "\n"


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("isobench")
    parser.add_argument("--version", default="")
    parser.add_argument("--man", required=True)
    parser.add_argument("--completion", required=True)
    arguments = parser.parse_args()
    top = parse_help("isobench", help_text(arguments.isobench, []))
    if not top.subcommands:
        sys.exit("generate_cli_docs: `isobench --help` lists no subcommands")
    commands = []
    for subcommand in top.subcommands:
        command = parse_help(subcommand.name, help_text(arguments.isobench, [subcommand.name]))
        command.summary = command.summary or subcommand.description
        commands.append(command)
    with open(arguments.man, "w", encoding="utf-8") as out:
        out.write(man_page(top, commands, arguments.version))
    with open(arguments.completion, "w", encoding="utf-8") as out:
        out.write(completion(top, commands))


if __name__ == "__main__":
    main()
