#!/usr/bin/env python3
"""covcheck adapter for a PyTorch network and loss (protocol covcheck-impl/1).

Copy this file next to your code, replace the parts marked EDIT with your own network and loss,
and run covcheck against it:

    covcheck verify --impl "python3 adapter.py"

covcheck starts this script once and talks JSON Lines with it: the script's first line is the
handshake (what it computes and supports); then each line of standard input is a request and the
script answers with one line on standard output, in order:

    {"id": 1, "op": "grad", "case": CASE}  ->  {"id": 1, "loss": L, "f": {...}, "grads": {...}}
    {"id": 2, "op": "distances", ...}      ->  {"id": 2, "loss": L, "beta_pos": [...], "beta_neg": [...]}
    {"id": 3, "op": "bye"}                 ->  (no answer; exit 0)

A CASE (covcheck's case format) is a complete tree network: the root node is "s", the i-th child
of node n is n + str(i); the leaves are the inputs, ordered by name. Every internal node has a
weight matrix [out, in] (and a bias when the case has biases); its input is the concatenation of
its children's activations in child order; the root is linear. Standard output is reserved for
the protocol: print() goes to standard error here.

    --float32   compute in float32 (announced as dtype "float32"; default float64)
"""
import json
import sys
import traceback

import torch
import torch.nn as nn
import torch.nn.functional as F

PROTOCOL_OUT = sys.stdout
sys.stdout = sys.stderr  # stray print() calls must not break the protocol

DTYPE = torch.float32 if "--float32" in sys.argv[1:] else torch.float64


# ---- the network (EDIT: your model, built from the case's weights) ----------------------------

def levels(depth, children):
    """Internal node names, level by level, root first."""
    out = [["s"]]
    for _ in range(1, depth):
        out.append([n + str(i) for n in out[-1] for i in range(children)])
    return out


def activation(name):
    kind, _, arg = (name or "relu").partition(":")
    if kind == "relu":
        return F.relu
    if kind == "leaky_relu":
        slope = float(arg) if arg else 0.01
        return lambda g: F.leaky_relu(g, slope)
    if kind == "linear":
        return lambda g: g
    if kind == "tanh":
        return torch.tanh
    if kind == "softplus":
        return lambda g: F.softplus(g, threshold=30.0)
    raise ValueError(f"unsupported activation {name!r}")


class TreeNet(nn.Module):
    """The case's tree network: one nn.Linear per internal node, weights copied from the case."""

    def __init__(self, case):
        super().__init__()
        self.children_per_node = case["children"]
        self.levels = levels(case["depth"], case["children"])
        self.psi = activation(case.get("activation", "relu"))
        biases = case.get("biases")
        self.nodes = nn.ModuleDict()
        for name, w in case["weights"].items():
            weight = torch.tensor(w, dtype=DTYPE)
            layer = nn.Linear(weight.shape[1], weight.shape[0], bias=biases is not None, dtype=DTYPE)
            with torch.no_grad():
                layer.weight.copy_(weight)
                if biases is not None:
                    layer.bias.copy_(torch.tensor(biases[name], dtype=DTYPE))
            self.nodes[name] = layer

    def forward(self, x):
        C = self.children_per_node
        act = {}
        for d in range(len(self.levels) - 1, -1, -1):
            for j, name in enumerate(self.levels[d]):
                if d == len(self.levels) - 1:
                    inp = x[:, j * C:(j + 1) * C]
                else:
                    inp = torch.cat([act[name + str(i)] for i in range(C)], dim=1)
                g = self.nodes[name](inp)
                act[name] = g if d == 0 else self.psi(g)
        return act["s"]


def normalize(f, case):
    """The output normalisation of the case: "max" is F.normalize, "plus" is f/(‖f‖ + eps)."""
    if not case.get("normalize", False):
        return f
    eps = case.get("eps", 1e-4)
    if case.get("normalize_form", "plus") == "max":
        return F.normalize(f, dim=1, eps=eps)
    return f / (f.norm(dim=1, keepdim=True) + eps)


# ---- the losses (EDIT: add your own loss here and announce its name in HANDSHAKE) --------------
# Distances r = ½‖f − f'‖²: r_pos [A] (anchor-positive), r_neg [A, H] (anchor-negatives).

def reduce(v, reduction):
    return v.sum() if reduction == "sum" else v.mean()


def distance_loss(loss, r_pos, r_neg, reduction, dim=None):
    name = loss["name"]
    tau = loss.get("tau", 0.1 if name == "official_nce" else 1.0)
    if name == "simp":
        return reduce(r_pos - r_neg.mean(dim=1), reduction)
    if name == "tri":
        if r_neg.shape[1] != 1:
            raise ValueError(f"tri takes H = 1 negative, got H = {r_neg.shape[1]}")
        u = r_pos - r_neg[:, 0] + loss.get("r0", 0.0)
        # τ·softplus(u/τ), written with logaddexp (exact; F.softplus is linear above u/τ = 20)
        return reduce(F.relu(u) if tau == 0 else tau * torch.logaddexp(u / tau, torch.zeros_like(u)), reduction)
    if name in ("nce", "ntxent"):
        # ntxent on distances (a distances request): for unit vectors s = 1 − r, so it is nce / τ.
        logits = torch.cat([-r_pos[:, None], -r_neg], dim=1) / tau
        nce = r_pos + tau * torch.logsumexp(logits, dim=1)
        return reduce(nce / tau if name == "ntxent" else nce, reduction)
    if name in ("official_nce", "official_subtract"):
        if dim is None:
            raise ValueError(f"{name} needs the output width d, which a distances request does not carry")
        A, H = r_neg.shape
        Bf = 1 if reduction == "sum" else A
        p = 2.0 / (Bf * dim) * r_pos.sum()
        n = 2.0 / (Bf * H * dim) * r_neg.sum()
        return p - n if name == "official_subtract" else -torch.sigmoid((n - p) / tau)
    raise ValueError(f"unknown loss {name!r}")


def nt_xent(z1, z2, tau, reduction="mean"):
    """NT-Xent as SimCLR code writes it: cosine similarities of all 2B views, the diagonal masked,
    cross-entropy towards each view's partner."""
    B = z1.shape[0]
    z = F.normalize(torch.cat([z1, z2], dim=0), dim=1)
    sim = z @ z.T / tau
    sim = sim.masked_fill(torch.eye(2 * B, dtype=torch.bool), float("-inf"))
    targets = torch.cat([torch.arange(B, 2 * B), torch.arange(0, B)])
    return F.cross_entropy(sim, targets, reduction=reduction)


def half_sq(d, dim):
    return 0.5 * (d * d).sum(dim=dim)


def case_loss(case, f_x, f_pos, f_neg):
    """The batch loss of the case from the outputs (docs: In-batch negatives, symmetric)."""
    loss = case["loss"]
    reduction = case.get("reduction", "mean")
    if case.get("negatives", "explicit") == "explicit":
        r_pos = half_sq(f_x - f_pos, 1)
        r_neg = half_sq(f_x[:, None, :] - f_neg, 2)
        return distance_loss(loss, r_pos, r_neg, reduction, f_x.shape[1])
    if loss["name"] == "ntxent":
        return nt_xent(f_x, f_pos, loss.get("tau", 1.0), reduction)
    B = f_x.shape[0]
    views = torch.stack([f_x, f_pos], dim=1).reshape(2 * B, -1)  # x_0, x_pos_0, x_1, x_pos_1, …
    others = torch.tensor([[j for j in range(2 * B) if j // 2 != i] for i in range(B)])
    anchors, positives, idx = f_x, f_pos, others
    if loss.get("symmetric", False):
        anchors, positives, idx = torch.cat([f_x, f_pos]), torch.cat([f_pos, f_x]), torch.cat([others, others])
    r_pos = half_sq(anchors - positives, 1)
    r_neg = half_sq(anchors[:, None, :] - views[idx], 2)
    return distance_loss(loss, r_pos, r_neg, reduction, f_x.shape[1])


# ---- the protocol (no need to edit) ------------------------------------------------------------

HANDSHAKE = {
    "protocol": "covcheck-impl/1",
    "name": "pytorch-adapter",
    "dtype": "float32" if DTYPE == torch.float32 else "float64",
    "supports": {
        "activations": ["relu", "leaky_relu", "linear", "tanh", "softplus"],
        "bias": True,
        "normalize": [{"form": "plus"}, {"form": "max"}],
        "losses": ["simp", "tri", "nce", "official_nce", "official_subtract", "ntxent"],
        "negatives": ["explicit", "in-batch"],
        "distances": True,
    },
}


def grad(case):
    net = TreeNet(case)
    batch = case["batch"]
    B = len(batch["x"])
    explicit = case.get("negatives", "explicit") == "explicit"
    flat = explicit and not isinstance(batch["x_neg"][0][0], list)
    neg_rows = (batch["x_neg"] if flat else [r for row in batch["x_neg"] for r in row]) if explicit else []
    H = len(neg_rows) // B
    x = torch.tensor(batch["x"] + batch["x_pos"] + neg_rows, dtype=DTYPE)
    f = normalize(net(x), case)
    f_x, f_pos = f[:B], f[B:2 * B]
    f_neg = f[2 * B:].reshape(B, H, -1) if explicit else None
    loss = case_loss(case, f_x, f_pos, f_neg)
    loss.backward()
    out_f = {"x": f_x.tolist(), "x_pos": f_pos.tolist()}
    if explicit:
        out_f["x_neg"] = f[2 * B:].tolist() if flat else f_neg.tolist()
    answer = {"loss": loss.item(), "f": out_f, "grads": {n: l.weight.grad.tolist() for n, l in net.nodes.items()}}
    if "biases" in case:
        answer["grads_bias"] = {n: l.bias.grad.tolist() for n, l in net.nodes.items()}
    return answer


def distances(req):
    r_pos = torch.tensor(req["r_pos"], dtype=DTYPE, requires_grad=True)
    r_neg = torch.tensor(req["r_neg"], dtype=DTYPE, requires_grad=True)
    loss = distance_loss(req["loss"], r_pos, r_neg, req.get("reduction", "mean"))  # no output width d: official_* raise
    loss.backward()
    return {"loss": loss.item(), "beta_pos": r_pos.grad.tolist(), "beta_neg": r_neg.grad.tolist()}


def send(obj):
    PROTOCOL_OUT.write(json.dumps(obj) + "\n")
    PROTOCOL_OUT.flush()


def main():
    send(HANDSHAKE)
    for line in sys.stdin:
        if not line.strip():
            continue
        req = json.loads(line)
        if req["op"] == "bye":
            return
        try:
            if req["op"] == "grad":
                answer = grad(req["case"])
            elif req["op"] == "distances":
                answer = distances(req)
            else:
                raise ValueError(f"unknown op {req['op']!r}")
            send({"id": req["id"], **answer})
        except Exception as e:  # the request fails, the adapter goes on
            traceback.print_exc()
            send({"id": req["id"], "error": f"{type(e).__name__}: {e}"})


if __name__ == "__main__":
    main()
