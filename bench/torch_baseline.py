"""PyTorch reference for the training-throughput benchmark (bench/train.bench.ts).

The original project's baseline, written with plain torch ops (no PyTorch Geometric):
Linear(11,128)+ReLU; 3 x GraphConv (sum aggregation: W_rel * sum_j x_j + b + W_root * x_i) + ReLU +
dropout 0.1; global mean pool; MLP 128-128-64-1 with ReLU and dropout 0.1; MSE; Adam 1e-3.
Reads the molecules the TypeScript benchmark wrote, trains for a fixed number of steps, prints JSON.
Run with Debian's interpreter: /usr/bin/python3 bench/torch_baseline.py <molecules.json> <batch> <steps>
"""
import json
import sys
import time

import torch
from torch import nn


class GraphConv(nn.Module):
    def __init__(self, dim):
        super().__init__()
        self.rel = nn.Linear(dim, dim)
        self.root = nn.Linear(dim, dim, bias=False)

    def forward(self, h, src, dst):
        agg = torch.zeros_like(h).index_add_(0, dst, h[src])
        return self.rel(agg) + self.root(h)


class Baseline(nn.Module):
    def __init__(self, hidden=128):
        super().__init__()
        self.embed = nn.Linear(11, hidden)
        self.convs = nn.ModuleList([GraphConv(hidden) for _ in range(3)])
        self.mlp = nn.Sequential(
            nn.Linear(hidden, hidden), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(hidden, hidden // 2), nn.ReLU(), nn.Dropout(0.1),
            nn.Linear(hidden // 2, 1),
        )
        self.drop = nn.Dropout(0.1)

    def forward(self, x, src, dst, graph, num_graphs, inv_counts):
        h = torch.relu(self.embed(x))
        for conv in self.convs:
            h = self.drop(torch.relu(conv(h, src, dst)))
        pooled = torch.zeros(num_graphs, h.shape[1]).index_add_(0, graph, h) * inv_counts
        return self.mlp(pooled)


def collate(mols, ids):
    xs, srcs, dsts, graph, ys, counts = [], [], [], [], [], []
    base = 0
    for k, i in enumerate(ids):
        m = mols[i]
        n = len(m["x"])
        xs.extend(m["x"])
        srcs.extend(s + base for s in m["src"])
        dsts.extend(d + base for d in m["dst"])
        graph.extend([k] * n)
        ys.append(m["y"])
        counts.append(1.0 / n)
        base += n
    return (
        torch.tensor(xs, dtype=torch.float32),
        torch.tensor(srcs, dtype=torch.long),
        torch.tensor(dsts, dtype=torch.long),
        torch.tensor(graph, dtype=torch.long),
        len(ids),
        torch.tensor(counts, dtype=torch.float32).unsqueeze(1),
        torch.tensor(ys, dtype=torch.float32).unsqueeze(1),
    )


def main():
    path, batch, steps = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    threads = int(sys.argv[4]) if len(sys.argv) > 4 else 1
    torch.set_num_threads(threads)
    torch.manual_seed(0)
    with open(path) as f:
        mols = json.load(f)
    model = Baseline()
    opt = torch.optim.Adam(model.parameters(), lr=1e-3)
    loss_fn = nn.MSELoss()
    batches = [collate(mols, list(range(s, s + batch))) for s in range(0, len(mols) - batch + 1, batch)]
    warmup = 5
    done = 0
    t0 = None
    step = 0
    while step < steps + warmup:
        for x, src, dst, graph, g, inv, y in batches:
            if step == warmup:
                t0 = time.perf_counter()
            opt.zero_grad()
            loss = loss_fn(model(x, src, dst, graph, g, inv), y)
            loss.backward()
            opt.step()
            if step >= warmup:
                done += g
            step += 1
            if step >= steps + warmup:
                break
    seconds = time.perf_counter() - t0
    print(json.dumps({"torch": torch.__version__, "threads": threads, "batch": batch, "steps": steps,
                      "molecules": done, "seconds": seconds, "moleculesPerSecond": done / seconds,
                      "finalLoss": float(loss)}))


if __name__ == "__main__":
    main()
