"""Training data for models/train.py: heterolab's own feature table, or a table the user brings.

Kinds (`python models/data_io.py kind FILE` prints one; scripts/train.sh dispatches on it):
- records: Hetero2d/aiHD record JSON (a dict of records with initial/final structures). heterolab computes the
  features itself (`heterolab features`), so the model can ship to the app.
- features: the CSV that `heterolab features` writes (first line `# heterolab features vN`).
- table: a CSV, or a JSON list of row objects (or pandas `to_json(orient="columns")`), with columns `name`,
  `e_bind` (eV per film atom), `z_sep` (Å) and numeric feature columns; optional `film`, `substrate`, `e_form`.
- pickle: a pandas DataFrame pickle with the same columns. Loading a pickle runs code from the file, so it is
  read only with --allow-pickle, and only from files you made yourself.
"""
import csv
import json
import re
import sys

import numpy as np

META = {"id", "film", "substrate", "surface_plane", "ff_converged"}
TABLE_META = {"name", "film", "substrate", "e_bind", "z_sep", "e_form", "id", "surface_plane"}


class DataError(Exception):
    """Bad input: the message names the file and the problem (and the line where there is one)."""


def kind(path):
    if path.endswith((".pkl", ".pickle")):
        return "pickle"
    with open(path, "rb") as f:
        head = f.read(4096)
    text = head.decode("utf-8", errors="replace").lstrip()
    if not text:
        raise DataError(f"{path}: the file is empty")
    if text.startswith("# heterolab features v"):
        return "features"
    if text.startswith("{") or text.startswith("["):
        if text.startswith("[") or '"name"' in text[:2000] or '"e_bind"' in text[:2000]:
            return "table"
        return "records"
    if path.endswith(".csv") or "," in text.splitlines()[0]:
        return "table"
    raise DataError(f"{path}: not a Hetero2d/aiHD record JSON, a feature table (CSV/JSON with name, e_bind, z_sep) or a pickle (.pkl)")


class Table:
    """Rows for training: features X (NaN = missing), targets y, film and substrate group labels, E_form."""

    def __init__(self, feats, X, ys, film, sub, eform, source, exportable):
        self.feats, self.X, self.ys, self.film, self.sub, self.eform = feats, X, ys, film, sub, eform
        self.source, self.exportable = source, exportable


def load_features_csv(path):
    """The table `heterolab features` writes; the feature columns follow `ff_converged`."""
    with open(path) as f:
        lines = [l for l in f if not l.startswith("#")]
    rows = list(csv.DictReader(lines))
    if not rows:
        raise DataError(f"{path}: the feature table has no rows")
    head = list(rows[0].keys())
    feats = head[head.index("ff_converged") + 1:]
    X = np.array([[float(r[k]) if r[k] != "" else np.nan for k in feats] for r in rows], dtype=np.float64)
    # The two NbO2 phases share a formula; the data README tells them apart by the film's formation energy.
    film = np.array([f'{r["film"]}@{float(r["E_form_eV_per_atom"]):.3f}' for r in rows])
    sub = np.array([r["substrate"] for r in rows])
    ys = {"ebind": np.array([float(r["E_bind_eV_per_atom"]) for r in rows]), "zsep": np.array([float(r["z_sep_A"]) for r in rows])}
    eform = np.array([float(r["E_form_eV_per_atom"]) if r["E_form_eV_per_atom"] != "" else np.nan for r in rows])
    t = Table(feats, X, ys, film, sub, eform, "heterolab features", True)
    t.ids = np.array([r["id"] for r in rows])
    return t


def _rows_from_json(path):
    with open(path) as f:
        try:
            data = json.load(f)
        except json.JSONDecodeError as e:
            raise DataError(f"{path}: line {e.lineno}: not valid JSON ({e.msg})")
    if isinstance(data, list):
        return data
    if isinstance(data, dict) and all(isinstance(v, dict) for v in data.values()) and "name" in data:
        keys = list(data["name"].keys())  # pandas to_json(orient="columns"): {column: {row: value}}
        return [{c: data[c].get(k) for c in data} for k in keys]
    raise DataError(f"{path}: a JSON table is a list of row objects or pandas' orient='columns' layout")


def _rows_from_csv(path):
    with open(path, newline="") as f:
        return list(csv.DictReader(f))


def _rows_from_pickle(path, allow):
    if not allow:
        raise DataError(f"{path}: pickle files run code when they are loaded; pass --allow-pickle to read one, and only for a file you made yourself")
    print(f"WARNING: loading the pickle {path}: a pickle executes code from the file; use only files you made yourself", file=sys.stderr)
    import pandas as pd
    df = pd.read_pickle(path)
    if not hasattr(df, "to_dict"):
        raise DataError(f"{path}: the pickle holds a {type(df).__name__}, not a pandas DataFrame")
    return df.to_dict(orient="records")


def _num(v, path, line, col):
    if v is None or v == "" or (isinstance(v, float) and np.isnan(v)):
        return np.nan
    try:
        return float(v)
    except (TypeError, ValueError):
        raise DataError(f"{path}: row {line}: column {col}: {v!r} is not a number")


def _numeric_column(rows, col):
    for r in rows:
        v = r.get(col)
        if v is None or v == "":
            continue
        try:
            float(v)
        except (TypeError, ValueError):
            return False
    return True


def _film_of(row):
    if row.get("film"):
        return str(row["film"])
    return re.split(r"[_/\s-]", str(row["name"]))[0]


def _sub_of(row):
    if row.get("substrate"):
        return str(row["substrate"])
    parts = re.split(r"[_/\s-]", str(row["name"]))
    return parts[1] if len(parts) > 1 else "?"


def load_table(path, allow_pickle, app_features):
    """A user's table. Exportable to the app only if it has every feature the app computes (app_features)."""
    k = kind(path)
    rows = _rows_from_pickle(path, allow_pickle) if k == "pickle" else _rows_from_csv(path) if path.endswith(".csv") else _rows_from_json(path)
    if not rows:
        raise DataError(f"{path}: the table has no rows")
    cols = list(rows[0].keys())
    for need in ("name", "e_bind", "z_sep"):
        if need not in cols:
            raise DataError(f"{path}: column {need!r} is missing (have: {', '.join(cols[:12])})")
    exportable = bool(app_features) and all(f in cols for f in app_features)
    line0 = 2 if path.endswith(".csv") else 1  # CSV: the header is line 1
    if exportable:
        feats = list(app_features)
    else:
        feats = [c for c in cols if c not in TABLE_META and _numeric_column(rows, c)]
        dropped = [c for c in cols if c not in TABLE_META and c not in feats]
        if dropped:
            print(f"note: {path}: non-numeric columns not used as features: {', '.join(dropped)}", file=sys.stderr)
    X = np.array([[_num(r.get(c), path, i + line0, c) for c in feats] for i, r in enumerate(rows)], dtype=np.float64)
    ys = {"ebind": np.array([_num(r["e_bind"], path, i + line0, "e_bind") for i, r in enumerate(rows)]),
          "zsep": np.array([_num(r["z_sep"], path, i + line0, "z_sep") for i, r in enumerate(rows)])}
    for key, y in ys.items():
        bad = np.where(np.isnan(y))[0]
        if len(bad):
            raise DataError(f"{path}: row {bad[0] + line0}: target {'e_bind' if key == 'ebind' else 'z_sep'} is missing")
    eform = np.array([_num(r.get("e_form"), path, i + line0, "e_form") for i, r in enumerate(rows)])
    film = np.array([_film_of(r) for r in rows])
    sub = np.array([_sub_of(r) for r in rows])
    return Table(feats, X, ys, film, sub, eform, f"{k} {path}", exportable)


def main(argv):
    """`kind FILE`: the importer for FILE; `summary FILE [--allow-pickle] [--names F]`: what it reads, as JSON."""
    try:
        if len(argv) == 2 and argv[0] == "kind":
            print(kind(argv[1]))
            return 0
        if len(argv) >= 2 and argv[0] == "summary":
            names = open(argv[argv.index("--names") + 1]).read().split() if "--names" in argv else []
            t = load_table(argv[1], "--allow-pickle" in argv, names)
            print(json.dumps({"rows": len(t.X), "features": t.feats, "films": sorted(set(t.film.tolist())), "substrates": sorted(set(t.sub.tolist())),
                              "exportable": t.exportable, "source": t.source, "ebindMean": float(t.ys["ebind"].mean())}))
            return 0
    except (DataError, OSError) as e:
        print(f"train: {e}", file=sys.stderr)
        return 1
    print("usage: data_io.py kind FILE | summary FILE [--allow-pickle] [--names FILE]", file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
