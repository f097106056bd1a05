#!/usr/bin/env python3
"""The outputs the guides show are what the build prints.

A fenced block in a Markdown guide that shows a file or a command's output is
preceded by an HTML comment (invisible on GitHub) that says where it comes from:

    <!-- shown-output
    $ ./build/evcsim run scenarios/e5420-e5310-merom-probing-app.textproto
    -->

Lines of the comment:
    $ COMMAND         a command, run by bash in a scratch folder (build/, scenarios/,
                      examples/ and tests/ link to the checkout; the build's evcsim is on
                      PATH); a line ending in a backslash continues it. Its standard output
                      and error are shown after the command line.
    setup COMMAND     run a command without showing it or its output (files a shown
                      command reads).
    lines SPEC        show only these lines of the last command's output ("1-3,5,9-");
                      each gap is shown as a line "...".
    no-prompt         show the output only, not the "$ COMMAND" lines (the text before
                      the block names the command).
    vary REGEX        text that differs from run to run (timings): compared as equal.
    file PATH         the block is this file of the checkout, whole.

Every command of a guide runs in one scratch folder, in order, so a block may use
the files an earlier one wrote. `--check` (the default) fails with a diff where a
block differs; `--update` rewrites the blocks from what the build prints.
"""

import argparse
import difflib
import os
import re
import subprocess
import sys
import tempfile

MARK = "<!-- shown-output"


def parse_lines_spec(spec, n):
    keep = []
    for part in spec.split(","):
        part = part.strip()
        if not part:
            continue
        if "-" in part:
            a, b = part.split("-", 1)
            a = int(a) if a else 1
            b = int(b) if b else n
        else:
            a = b = int(part)
        keep.extend(range(a, min(b, n) + 1))
    return sorted(set(i for i in keep if 1 <= i <= n))


class Block:
    def __init__(self, doc, marker_line, directives, fence_open, fence_close):
        self.doc = doc
        self.marker_line = marker_line  # 0-based index of the comment's first line
        self.directives = directives
        self.fence_open = fence_open  # index of the ``` line
        self.fence_close = fence_close


def find_blocks(lines, doc):
    blocks = []
    i = 0
    while i < len(lines):
        if lines[i].strip() == MARK:
            start = i
            directives = []
            i += 1
            while i < len(lines) and lines[i].strip() != "-->":
                directives.append(lines[i])
                i += 1
            if i >= len(lines):
                sys.exit(f"{doc}:{start + 1}: a shown-output comment without its closing -->")
            i += 1
            while i < len(lines) and not lines[i].strip():
                i += 1
            if i >= len(lines) or not lines[i].startswith("```"):
                sys.exit(f"{doc}:{start + 1}: a shown-output comment must come right before a ``` block")
            open_at = i
            i += 1
            while i < len(lines) and not lines[i].startswith("```"):
                i += 1
            if i >= len(lines):
                sys.exit(f"{doc}:{open_at + 1}: the ``` block does not end")
            blocks.append(Block(doc, start, directives, open_at, i))
        i += 1
    return blocks


def run(command, scratch, env):
    r = subprocess.run(["bash", "-c", command], cwd=scratch, env=env, stdout=subprocess.PIPE,
                       stderr=subprocess.STDOUT, text=True)
    out = r.stdout.rstrip("\n")
    return out.split("\n") if out else []


def render(block, source, scratch, env):
    """The block's text from the checkout and the commands; and the vary patterns."""
    steps = []  # [prompt lines, output lines]
    varies = []
    prompt = True
    d = block.directives
    k = 0
    while k < len(d):
        line = d[k]
        s = line.strip()
        if s.startswith("$ "):
            shown = [line.rstrip()]
            while shown[-1].endswith("\\") and k + 1 < len(d):
                k += 1
                shown.append(d[k].rstrip())
            command = "\n".join(x.strip() for x in shown)[2:]
            steps.append([shown, run(command, scratch, env)])
        elif s.startswith("lines "):
            if not steps:
                sys.exit(f"{block.doc}:{block.marker_line + 1}: 'lines' before any command")
            out = steps[-1][1]
            keep = parse_lines_spec(s[len("lines "):], len(out))
            shown, last = [], 0
            for i in keep:
                if i != last + 1:
                    shown.append("...")
                shown.append(out[i - 1])
                last = i
            if last < len(out):
                shown.append("...")
            steps[-1][1] = shown
        elif s.startswith("setup "):
            run(s[len("setup "):], scratch, env)
        elif s == "no-prompt":
            prompt = False
        elif s.startswith("vary "):
            varies.append(re.compile(s[len("vary "):]))
        elif s.startswith("file "):
            with open(os.path.join(source, s[len("file "):]), encoding="utf-8") as f:
                steps.append([[], f.read().rstrip("\n").split("\n")])
        elif s:
            sys.exit(f"{block.doc}:{block.marker_line + k + 2}: unknown shown-output line: {s}")
        k += 1
    text = []
    for n, (shown, out) in enumerate(steps):
        if prompt and shown:
            if n > 0:
                text.append("")
            text.extend(x.strip() if i == 0 else x for i, x in enumerate(shown))
        text.extend(out)
    return text, varies


def normalised(lines, varies):
    out = []
    for line in lines:
        for v in varies:
            line = v.sub("<varies>", line)
        out.append(line)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--build", required=True, help="the build folder (holds evcsim)")
    ap.add_argument("--source", default=os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
    ap.add_argument("--update", action="store_true", help="rewrite the blocks from what the build prints")
    ap.add_argument("docs", nargs="+", help="Markdown files, relative to --source")
    a = ap.parse_args()
    build = os.path.abspath(a.build)
    source = os.path.abspath(a.source)
    env = dict(os.environ, PATH=build + os.pathsep + os.environ.get("PATH", ""), LC_ALL="C.UTF-8", TZ="UTC")
    failed = []
    for doc in a.docs:
        path = os.path.join(source, doc)
        with open(path, encoding="utf-8") as f:
            lines = f.read().split("\n")
        blocks = find_blocks(lines, doc)
        if not blocks:
            failed.append(f"{doc}: no shown-output blocks")
            continue
        with tempfile.TemporaryDirectory(prefix="evcsim-shown-") as scratch:
            os.symlink(build, os.path.join(scratch, "build"))
            for folder in ("scenarios", "examples", "tests"):
                os.symlink(os.path.join(source, folder), os.path.join(scratch, folder))
            # Later blocks first when rewriting keeps the earlier line numbers valid; the
            # commands must run in order, so render all first.
            rendered = [render(b, source, scratch, env) for b in blocks]
        for b, (text, varies) in reversed(list(zip(blocks, rendered))):
            shown = lines[b.fence_open + 1:b.fence_close]
            if normalised(shown, varies) == normalised(text, varies):
                continue
            if a.update:
                lines[b.fence_open + 1:b.fence_close] = text
                print(f"{doc}:{b.fence_open + 1}: rewritten from what the build prints")
            else:
                diff = "\n".join(difflib.unified_diff(shown, text, f"{doc}:{b.fence_open + 2} (shown)",
                                                      "what the build prints", lineterm=""))
                failed.append(f"{doc}:{b.fence_open + 2}: the block differs from what the build prints:\n{diff}")
        if a.update:
            with open(path, "w", encoding="utf-8") as f:
                f.write("\n".join(lines))
    if failed:
        for f in failed:
            print(f, file=sys.stderr)
        docs = " ".join(a.docs)
        print(f"\nIf the build is right, refresh the shown blocks (then read the prose around them):\n"
              f"  python3 tests/docs/shown_outputs.py --update --build {a.build} {docs}", file=sys.stderr)
        return 1
    print(f"{sum(1 for _ in a.docs)} guide(s): every shown block is what the build prints")
    return 0


if __name__ == "__main__":
    sys.exit(main())
