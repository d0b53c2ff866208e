#!/usr/bin/env python3
"""The architecture's promises, checked on the source tree (a unit test runs this).

1. Dependencies run one way: common -> runner, probes -> bench -> reports -> cli. A file may
   include its own layer and those below; runner and probes, side by side, not each other.
2. No function in production code is longer than MAX_FUNCTION_LINES lines.

`--report` prints the figures (includes across layers, the longest functions, files per
folder) instead of failing, for a closing note's before/after.
"""
import argparse
import collections
import os
import re
import sys

LAYERS = {"common": 0, "runner": 1, "probes": 1, "bench": 2, "reports": 3, "cli": 4}
MAX_FUNCTION_LINES = 80
SOURCE_SUFFIXES = (".cpp", ".h", ".c")
INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)
NOT_A_FUNCTION = re.compile(
    r"^\s*(?:template\s*<[^>]*>\s*)?(?:namespace|class|struct|union|enum|extern\s+\"C\")\b|=\s*$|\)\s*=\s*$")
CONTROL = re.compile(r"\b(?:if|for|while|switch|catch|do|else|return)\s*\(?")


def layer_of(path):
    top = path.split("/", 1)[0]
    # Until the executable moves to cli/, runner/cli is the top layer.
    if path.startswith("cli/"):
        return "cli"
    return top if top in LAYERS else None


def production_files(root):
    for top in LAYERS:
        for directory, _, names in os.walk(os.path.join(root, top)):
            for name in sorted(names):
                if name.endswith(SOURCE_SUFFIXES):
                    yield os.path.relpath(os.path.join(directory, name), root)


def include_violations(root, files):
    found = []
    for path in files:
        here = layer_of(path)
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as source:
            text = source.read()
        for included in INCLUDE.findall(text):
            there = layer_of(included)
            if there is None or there == here:
                continue
            if LAYERS[there] >= LAYERS[here]:
                direction = "sideways" if LAYERS[there] == LAYERS[here] else "upward"
                found.append((path, included, direction))
    return found


def strip_comments_and_strings(text):
    """Blanks comments and literals (keeping newlines) so that braces inside them do not count."""
    out = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            j = text.find("\n", i)
            j = n if j < 0 else j
            out.append(" " * (j - i))
            i = j
        elif text.startswith("/*", i):
            j = text.find("*/", i + 2)
            j = n if j < 0 else j + 2
            out.append(re.sub(r"[^\n]", " ", text[i:j]))
            i = j
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(\s]*)\(', text[i:])
            if not m:
                out.append(c)
                i += 1
                continue
            end = text.find(")" + m.group(1) + '"', i)
            j = n if end < 0 else end + len(m.group(1)) + 2
            out.append('""' + re.sub(r"[^\n]", " ", text[i + 2:j]))
            i = j
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * max(0, j - i - 1) + (c if j < n else ""))
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def function_lengths(text):
    """(first line, line count, head) of each function body at namespace or class scope."""
    code = strip_comments_and_strings(text)
    code = re.sub(r"^\s*#.*$", "", code, flags=re.M)  # preprocessor lines
    stack = []  # for each open brace: None, or (start line, head) of a function
    head_start = 0
    line = 1
    results = []
    for i, c in enumerate(code):
        if c == "\n":
            line += 1
        elif c == "{":
            head = code[head_start:i]
            in_function = any(entry is not None for entry in stack)
            compact = " ".join(head.split())
            is_function = (not in_function and ")" in compact and not NOT_A_FUNCTION.search(compact)
                           and not CONTROL.match(compact))
            stack.append((line, compact) if is_function else None)
            head_start = i + 1
        elif c == "}":
            if stack:
                entry = stack.pop()
                if entry is not None:
                    results.append((entry[0], line - entry[0] + 1, entry[1]))
            head_start = i + 1
        elif c == ";":
            head_start = i + 1
    return results


def function_name(head):
    m = re.search(r"([~\w:]+(?:operator\W+)?)\s*\((?:[^()]|\([^()]*\))*\)[^()]*$", head)
    return m.group(1) if m else head[-60:]


def long_functions(root, files, limit):
    found = []
    for path in files:
        with open(os.path.join(root, path), encoding="utf-8", errors="replace") as source:
            text = source.read()
        for start, length, head in function_lengths(text):
            if length > limit:
                found.append((length, path, start, function_name(head)))
    return sorted(found, reverse=True)


def main():
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--root", default=os.path.join(os.path.dirname(os.path.abspath(__file__)), ".."))
    parser.add_argument("--report", action="store_true", help="print the figures; never fail")
    args = parser.parse_args()
    root = os.path.abspath(args.root)
    files = list(production_files(root))

    violations = include_violations(root, files)
    longest = long_functions(root, files, 0 if args.report else MAX_FUNCTION_LINES)
    if args.report:
        print(f"includes across layers (upward or sideways): {len(violations)}")
        by_pair = collections.Counter((layer_of(p), layer_of(i)) for p, i, _ in violations)
        for (here, there), count in by_pair.most_common():
            print(f"  {here} -> {there}: {count}")
        over = [f for f in longest if f[0] > MAX_FUNCTION_LINES]
        print(f"functions over {MAX_FUNCTION_LINES} lines: {len(over)}; the longest ten:")
        for length, path, start, name in longest[:10]:
            print(f"  {length:4d}  {path}:{start}  {name}")
        folders = collections.Counter(os.path.dirname(p) for p in files)
        print("source files per folder:")
        for folder in sorted(folders):
            print(f"  {folder:28s} {folders[folder]:3d}")
        return 0

    for path, included, direction in violations:
        print(f'{path}: includes "{included}", {direction} across layers '
              f"({layer_of(path)} -> {layer_of(included)}; allowed: common -> runner, probes -> bench -> reports -> cli)")
    for length, path, start, name in longest:
        print(f"{path}:{start}: {name} is {length} lines long (at most {MAX_FUNCTION_LINES})")
    return 1 if violations or longest else 0


if __name__ == "__main__":
    sys.exit(main())
