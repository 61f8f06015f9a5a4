#!/usr/bin/env python3
"""Synthetic Nix store for benchmarks, as `nix-store --dump-db` text.

usage: gen_store.py N [--refs 5] [--seed 1] [--roots 200] [--store-dir /nix/store] [--roots-file F]

Paths form a DAG: path i refers only to paths j < i. Reference targets follow a power law
(u**4 skews towards the oldest paths), so a few paths are referenced by most, as glibc is.
Writes the dump on stdout; with --roots-file, writes NAME<TAB>PATH lines for the roots
(chosen among the newest paths, like user profiles).
"""
import argparse, random, sys

ALPHA = "0123456789abcdfghijklmnpqrsvwxyz"

def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("n", type=int)
    ap.add_argument("--refs", type=float, default=5.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--roots", type=int, default=200)
    ap.add_argument("--store-dir", default="/nix/store")
    ap.add_argument("--roots-file")
    a = ap.parse_args()
    rnd = random.Random(a.seed)
    paths = []
    seen = set()
    for i in range(a.n):
        while True:
            h = "".join(rnd.choice(ALPHA) for _ in range(32))
            if h not in seen:
                seen.add(h)
                break
        paths.append(f"{a.store_dir}/{h}-pkg{i}-{rnd.randint(1, 9)}.{rnd.randint(0, 20)}")
    out = sys.stdout
    w = out.write
    for i, p in enumerate(paths):
        refs = set()
        if i > 0:
            k = min(i, max(0, int(rnd.expovariate(1.0 / a.refs) + 0.5)))
            while len(refs) < k:
                refs.add(paths[int(i * (rnd.random() ** 4))])
        w(p + "\n")
        w("%064x\n" % rnd.getrandbits(256))
        w("%d\n" % int(rnd.lognormvariate(10, 2) + 120))
        w("\n")
        w("%d\n" % len(refs))
        for r in sorted(refs):
            w(r + "\n")
    if a.roots_file:
        with open(a.roots_file, "w") as f:
            newest = paths[-max(a.roots * 20, 1):]
            for k, p in enumerate(rnd.sample(newest, min(a.roots, len(newest)))):
                f.write(f"root{k}\t{p}\n")

if __name__ == "__main__":
    main()
