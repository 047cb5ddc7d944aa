#!/usr/bin/env python3
"""Build gate for the kernel families (issue 19): AVX-512 code only where it belongs.

The AVX-512 kernels (module GradKernels16) are compiled with -target-cpu skylake-avx512;
everything else must run on an AVX2-only CPU. Two ways that can break, both checked on
the object files of a build (default .build/release):

1. EVEX-encoded instructions (AVX-512; also AVX-512VL forms of ymm/xmm instructions)
   in any object outside GradKernels16.build. An instruction is EVEX when its first
   byte after legacy prefixes is 0x62 (in 64-bit mode 0x62 is nothing else). As a check
   that the check can fail, GradKernels16's own objects must contain EVEX code.
2. A weak (or unique) symbol defined both by GradKernels16's objects and by any other
   object: the linker keeps one definition, and if it kept the AVX-512 one, AVX2 code
   would call AVX-512 code (SIGILL on an AVX2 CPU). Weak *code* symbols fail the gate;
   weak *data* defined by both (Swift reflection strings, type-metadata caches: no
   instructions) is listed and allowed. With --debug-build, a weak code symbol on both
   sides fails only when GradKernels16's definition of it holds EVEX code: compiled file
   by file (SwiftPM's debug builds, no whole-module optimisation, and `-wmo` clashes with
   the index store there), every module defines Swift's value-witness helpers
   (__swift_memcpy…) as weak symbols, so the strict form holds for release builds only.

Exit status 0 when both hold, 1 otherwise; x86-64 builds only (elsewhere there is no
GradKernels16 and the gate says so and exits 0). Needs objdump and nm (binutils).
"""
import argparse
import pathlib
import platform
import re
import subprocess
import sys

WIDE_MODULE = "GradKernels16.build"
NM_LINE = re.compile(r"^(.*) ([A-Za-z]) ([0-9a-f]+)( [0-9a-f]+)?$")
LEGACY_PREFIXES = {0x26, 0x2E, 0x36, 0x3E, 0x64, 0x65, 0x66, 0x67, 0xF0, 0xF2, 0xF3}


def evex_instructions(obj):
    """(symbol, instruction text) of every EVEX-encoded instruction in obj's code."""
    out = subprocess.run(["objdump", "-d", "--insn-width=15", "--no-addresses", str(obj)],
                         check=True, capture_output=True, text=True).stdout
    found, symbol = [], "?"
    for line in out.splitlines():
        if line.endswith(">:"):
            symbol = line.split("<", 1)[1][:-2]
            continue
        parts = line.strip().split("\t")
        if len(parts) < 2:
            continue
        try:
            raw = [int(b, 16) for b in parts[0].split()]
        except ValueError:
            continue
        i = 0
        while i < len(raw) and raw[i] in LEGACY_PREFIXES:
            i += 1
        if i < len(raw) and raw[i] == 0x62:
            found.append((symbol, parts[-1].strip()))
    return found


def weak_symbols(objects):
    """name -> nm type letter, for the weak/unique definitions in objects."""
    symbols = {}
    for obj in objects:
        out = subprocess.run(["nm", "--defined-only", "--format=posix", str(obj)],
                             check=True, capture_output=True, text=True).stdout
        for line in out.splitlines():
            # posix format: "name type value [size]"; Swift names may contain spaces.
            match = NM_LINE.match(line)
            if match and match.group(2) in ("W", "w", "V", "v", "u"):
                symbols[match.group(1)] = match.group(2)
    return symbols


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("build", nargs="?", default=".build/release",
                        help="SwiftPM build folder of one configuration (default: %(default)s)")
    parser.add_argument("--debug-build", action="store_true",
                        help="allow weak code symbols on both sides whose GradKernels16 definition has no EVEX code")
    args = parser.parse_args()
    if platform.machine() not in ("x86_64", "AMD64"):
        print(f"check-kernel-isa: {platform.machine()} build, no AVX-512 module: nothing to check")
        return 0
    build = pathlib.Path(args.build)
    objects = sorted(p for p in build.glob("*.build/**/*.o") if p.is_file())
    wide = [p for p in objects if p.parts[len(build.parts)] == WIDE_MODULE]
    rest = [p for p in objects if p.parts[len(build.parts)] != WIDE_MODULE]
    if not wide:
        print(f"check-kernel-isa: FAILED: no objects in {build / WIDE_MODULE} (build first)", file=sys.stderr)
        return 1
    failed = False

    wide_evex_list = [x for p in wide for x in evex_instructions(p)]
    wide_evex = len(wide_evex_list)
    wide_evex_symbols = {s for s, _ in wide_evex_list}
    if wide_evex == 0:
        print("check-kernel-isa: FAILED: GradKernels16 has no EVEX instruction: the AVX-512 flags did not "
              "apply, or this check cannot see EVEX", file=sys.stderr)
        failed = True
    leaks = [(p, s, i) for p in rest for s, i in evex_instructions(p)]
    for p, s, i in leaks[:20]:
        print(f"check-kernel-isa: EVEX outside GradKernels16: {p.relative_to(build)}: {s}: {i}", file=sys.stderr)
    if leaks:
        failed = True

    wide_weak = weak_symbols(wide)
    rest_weak = weak_symbols(rest)
    shared = sorted(set(wide_weak) & set(rest_weak))
    code = [s for s in shared if wide_weak[s] in ("W", "w", "u") or rest_weak[s] in ("W", "w", "u")]
    data = [s for s in shared if s not in code]
    fatal = [s for s in code if not args.debug_build or s in wide_evex_symbols]
    for s in code:
        verdict = "FAILS" if s in fatal else "allowed (--debug-build; no EVEX in GradKernels16's definition)"
        print(f"check-kernel-isa: weak code symbol defined by GradKernels16 and another module: {s}: {verdict}",
              file=sys.stderr)
    if fatal:
        failed = True

    print(f"check-kernel-isa: {len(rest)} objects outside GradKernels16: {len(leaks)} EVEX instructions; "
          f"GradKernels16 ({len(wide)} objects): {wide_evex} EVEX instructions; weak symbols defined on both "
          f"sides: {len(code)} code, {len(data)} data ({', '.join(data[:4]) or 'none'})")
    print("check-kernel-isa: " + ("FAILED" if failed else "ok"))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
