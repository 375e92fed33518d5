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


def member_rows(n, members, seed):
    """The bootstrap rows of each member (one definition, for fitting and for the refit check)."""
    rng = np.random.default_rng(seed)
    return [rng.integers(0, n, n) for _ in range(members)]


def fit_members(fam, X, y, prior_idx, members, seed):
    """[(fitted pipeline, residual?)]: each member on a bootstrap resample; residual members learn y − prior."""
    base = X[:, prior_idx] if fam.residual else np.zeros(len(y))
    return [(fam.make(seed + m).fit(X[b], (y - base)[b]), fam.residual) for m, b in enumerate(member_rows(len(y), members, seed))]


def refit_max_abs_diff(fam, fitted, X, y, prior_idx, seed):
    """Largest difference between the members as they are about to be exported and each member fitted afresh on
    its own rows: nonzero means a member changed after its fit (a step shared with a later fit, say). The
    exported members' predictions are taken first, before any refit can touch them."""
    want = np.stack([m.predict(X) for m, _ in fitted], axis=1)
    fresh = fit_members(fam, X, y, prior_idx, len(fitted), seed)
    got = np.stack([m.predict(X) for m, _ in fresh], axis=1)
    return float(np.abs(want - got).max())


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


def _const(name, arr):
    arr = np.asarray(arr, dtype=np.float32 if np.asarray(arr).dtype.kind == "f" else np.int64)
    return helper.make_tensor(name, onnx.TensorProto.FLOAT if arr.dtype == np.float32 else onnx.TensorProto.INT64, list(arr.shape), arr.ravel().tolist())


def gp_graph(pipe, k):
    """Member k = pick → impute → scale → GP with a fixed C·RBF(ℓ) + White kernel, as plain ONNX ops.

    skl2onnx's GP converter loops over rows with Scan (7 ms per prediction in onnxruntime-web); here the kernel
    is one MatMul: |a − b|² = |a|² + |b|² − 2 a·b. Returns a graph whose output is [N, 1]."""
    pick, imp, scale, gp = (pipe.named_steps[n] for n in ("pick", "impute", "scale", "model"))
    cols = pick.transformers_[0][2]
    kern = gp.kernel_
    c, length = kern.k1.k1.constant_value, kern.k1.k2.length_scale
    T = gp.X_train_ / length
    p = f"m{k}_"
    inits = [_const(p + "cols", cols), _const(p + "med", imp.statistics_), _const(p + "mu", scale.mean_), _const(p + "sd", scale.scale_ * length),
             _const(p + "Tt", T.T), _const(p + "T2", (T ** 2).sum(axis=1)[None, :]), _const(p + "m2", [-2.0]), _const(p + "zero", [0.0]),
             _const(p + "g", [-0.5]), _const(p + "alpha", (gp.alpha_ * c).reshape(-1, 1)), _const(p + "ystd", [gp._y_train_std]), _const(p + "ymean", [gp._y_train_mean])]
    n = lambda op, ins, out, **kw: helper.make_node(op, [p + i if not i.startswith("features") else i for i in ins], [p + out], name=p + out, **kw)
    nodes = [n("Gather", ["features", "cols"], "x", axis=1), n("IsNaN", ["x"], "nan"), n("Where", ["nan", "med", "x"], "xi"),
             n("Sub", ["xi", "mu"], "xc"), n("Div", ["xc", "sd"], "a"), n("ReduceSumSquare", ["a"], "a2", axes=[1], keepdims=1),
             n("MatMul", ["a", "Tt"], "ab"), n("Mul", ["ab", "m2"], "ab2"), n("Add", ["ab2", "a2"], "s1"), n("Add", ["s1", "T2"], "d2"),
             n("Max", ["d2", "zero"], "d2p"), n("Mul", ["d2p", "g"], "e"), n("Exp", ["e"], "K"), n("MatMul", ["K", "alpha"], "y0"),
             n("Mul", ["y0", "ystd"], "y1"), n("Add", ["y1", "ymean"], "y")]
    return nodes, inits, p + "y"


def _is_fixed_gp(m):
    from sklearn.gaussian_process import GaussianProcessRegressor
    return hasattr(m, "named_steps") and isinstance(m.named_steps.get("model"), GaussianProcessRegressor) and "pick" in m.named_steps


def to_onnx(fitted, nfeat, name):
    """One ONNX graph: every member reads the same input; a Concat gives the members' predictions, [N, M]."""
    graphs = []
    for k, m in enumerate(fitted):
        if _is_fixed_gp(m):
            nodes, inits, out = gp_graph(m, k)
            graphs.append((helper.make_graph(nodes, f"m{k}", [], [], inits), out))
            continue
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
