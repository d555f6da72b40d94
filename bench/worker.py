#!/usr/bin/env python3
"""The Python side of foveate's bench: one long-lived process that sets up the
baselines (PyTorch, numpy) once and times a round on request, so that alternated
rounds (bench/alternate.ts) pay neither interpreter start-up nor `import torch`
per round, and the timing happens inside this process (bench/timing.py).

Protocol: one JSON request per line on stdin, one JSON answer per line on stdout.
  {"op": "setup", "module": "torch_lstm", "config": {...}}
      -> {"ok": true, "cases": ["torch_lstm:step", ...], "baseline": "PyTorch 2.x CPU, 2 threads"}
      The module's setup(config) returns ({name: round_callable}, label).
  {"op": "measure", "case": "torch_lstm:step"}  -> {"ok": true, "ms", "median_ms", "runs"}
  {"op": "drop", "module": "torch_lstm"}        -> {"ok": true} (frees its models)
Any failure answers {"ok": false, "why": "..."} and the process stays up.
"""
import gc
import importlib
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))


def main():
    out = sys.stdout
    sys.stdout = sys.stderr  # nothing a baseline prints can break the protocol
    cases = {}
    for line in sys.stdin:
        if not line.strip():
            continue
        try:
            req = json.loads(line)
            op = req.get("op")
            if op == "setup":
                module = req["module"]
                made, label = importlib.import_module(module).setup(req.get("config") or {})
                keys = []
                for name, fn in made.items():
                    cases[f"{module}:{name}"] = fn
                    keys.append(f"{module}:{name}")
                answer = {"ok": True, "cases": keys, "baseline": label}
            elif op == "measure":
                answer = {"ok": True, **cases[req["case"]]()}
            elif op == "drop":
                prefix = f'{req["module"]}:'
                for k in [k for k in cases if k.startswith(prefix)]:
                    del cases[k]
                gc.collect()
                answer = {"ok": True}
            else:
                answer = {"ok": False, "why": f"unknown op {op!r}"}
        except Exception as e:  # reported to the bench, which prints it as the row's note
            answer = {"ok": False, "why": f"{type(e).__name__}: {e}"}
        out.write(json.dumps(answer) + "\n")
        out.flush()


if __name__ == "__main__":
    main()
