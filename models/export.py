"""The shipped ensemble: members fit on bootstrap resamples, exported as one ONNX graph, checked against sklearn."""
import numpy as np
import onnx
import onnxruntime as ort
from onnx import helper
from skl2onnx import convert_sklearn
from skl2onnx.common.data_types import FloatTensorType

# ONNX runs in float32; members must agree with scikit-learn (float64) to this (eV/atom or Å). A GP sums
# ~100 kernel terms in float32 (relative error ~1e-6 of values ~3 Å), so 1e-5 is too tight; 1e-4 is far below σ.
ONNX_TOL = 1e-4


def fit_members(fam, X, y, prior_idx, members, seed):
    """[(fitted pipeline, residual?)]: each member on a bootstrap resample; residual members learn y − prior."""
    rng = np.random.default_rng(seed)
    base = X[:, prior_idx] if fam.residual else np.zeros(len(y))
    out = []
    for m in range(members):
        b = rng.integers(0, len(y), len(y))
        out.append((fam.make(seed + m).fit(X[b], (y - base)[b]), fam.residual))
    return out


def _rename(g, k):
    """Prefix every node, intermediate and initializer of member k's graph, so the members can share one graph."""
    rename = {}
    for node in g.node:
        node.name = f"m{k}_{node.name}"
        for i, x in enumerate(node.output):
            rename[x] = f"m{k}_{x}"
            node.output[i] = rename[x]
    for init in g.initializer:
        rename[init.name] = f"m{k}_{init.name}"
        init.name = rename[init.name]
    for node in g.node:
        for i, x in enumerate(node.input):
            if x in rename:
                node.input[i] = rename[x]
    return rename[g.output[0].name]


def to_onnx(fitted, nfeat, name):
    """One ONNX graph: every member reads the same input; a Concat gives the members' predictions, [N, M]."""
    graphs = []
    for k, m in enumerate(fitted):
        o = convert_sklearn(m, initial_types=[("features", FloatTensorType([None, nfeat]))], target_opset={"": 15, "ai.onnx.ml": 3})
        out = _rename(o.graph, k)
        graphs.append((o.graph, out))
    nodes = [n for g, _ in graphs for n in g.node]
    inits = [i for g, _ in graphs for i in g.initializer]
    # Some converters emit [N] rather than [N, 1]: reshape every member's output to [N, 1] before the Concat.
    shape = helper.make_tensor("col_shape", onnx.TensorProto.INT64, [2], [-1, 1])
    cols = []
    for k, (_, out) in enumerate(graphs):
        nodes.append(helper.make_node("Reshape", [out, "col_shape"], [f"m{k}_col"], name=f"m{k}_reshape"))
        cols.append(f"m{k}_col")
    nodes.append(helper.make_node("Concat", cols, ["members"], axis=1, name="concat_members"))
    graph = helper.make_graph(nodes, name, [helper.make_tensor_value_info("features", onnx.TensorProto.FLOAT, [None, nfeat])],
                              [helper.make_tensor_value_info("members", onnx.TensorProto.FLOAT, [None, len(graphs)])], inits + [shape])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 15), helper.make_opsetid("ai.onnx.ml", 3)], producer_name="heterolab models/train.py")
    model.ir_version = 8
    onnx.checker.check_model(model)
    return model


def check_onnx(path, fitted, X, prior_idx):
    """Max |ONNX − scikit-learn| over the training rows; exits if above ONNX_TOL. Returns (err, sklearn members)."""
    sess = ort.InferenceSession(path, providers=["CPUExecutionProvider"])
    got = sess.run(None, {"features": X.astype(np.float32)})[0]
    want = np.stack([m.predict(X) for m, _ in fitted], axis=1)
    err = float(np.abs(got - want).max())
    if err > ONNX_TOL:
        raise SystemExit(f"ONNX and scikit-learn disagree for {path}: max |diff| {err}")
    return err, want
