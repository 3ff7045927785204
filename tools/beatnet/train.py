#!/usr/bin/env python3
"""Trains longav's beat/downbeat activation network and exports it to ONNX.

Reads only what tools/beatnet/dump.ts wrote (float32 features computed by the product's own
code, labels as JSON; index.json carries the training-set hash), so training and inference see
the same features. CPU only, fixed seeds, a wall-clock budget, early stopping on a validation
part of the dev split held out by piece. Writes <out>/beat.onnx and <out>/beat.json.

Usage (Debian's python with python3-torch):
  nice -n 10 /usr/bin/python3 tools/beatnet/train.py --data <dump dir> --out models/beat \
      [--minutes 22] [--threads 2] [--seed 1]
"""
import argparse
import hashlib
import json
import math
import os
import random
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

from beatnet_model import BeatNet
from peaks import f_measure, pick_peaks


def load_items(data_dir):
    index = json.load(open(os.path.join(data_dir, 'index.json')))
    bands = index['features']['bands']
    items = []
    for it in index['items']:
        feats = np.fromfile(os.path.join(data_dir, it['stem'] + '.f32'), dtype=np.float32).reshape(-1, bands)
        labels = json.load(open(os.path.join(data_dir, it['stem'] + '.json')))
        items.append({'id': it['id'], 'group': group_of(labels), 'x': feats,
                      'beats': np.array(labels['beats'], dtype=np.float64),
                      'downbeats': np.array(labels['downbeats'], dtype=np.float64),
                      'meter': labels['meter']})
    return index, items


GROUP_KEY = 'piece'


def group_of(labels):
    """The piece an item renders (the dev set's ids are `<piece>#<excerpt>@<soundfont>+<chain>`;
    otherwise its composer set): validation holds out whole pieces, every excerpt, soundfont and
    processing chain of them."""
    return labels['id'].split('#')[0] if '#' in labels['id'] else str(labels.get('composerSet', labels['id']))


def split_by_piece(items, frac, seed):
    groups = sorted({it['group'] for it in items})
    rng = random.Random(seed)
    rng.shuffle(groups)
    n_val = max(1, int(round(len(groups) * frac)))
    val = set(groups[:n_val])
    return [it for it in items if it['group'] not in val], [it for it in items if it['group'] in val]


def targets(times, start, length, fps, stretch):
    """Frame targets for a crop: 1 on the beat frame, 0.5 on its neighbours (the ±1 widening)."""
    y = np.zeros(length, dtype=np.float32)
    for t in times:
        f = int(round((t * fps - start) * stretch))
        for d, v in ((-1, 0.5), (1, 0.5), (0, 1.0)):
            g = f + d
            if 0 <= g < length:
                y[g] = max(y[g], v)
    return y


def augmented_crop(it, length, fps, rng):
    x = it['x']
    n = x.shape[0]
    # Tempo: resample the frame axis by a log-uniform factor in [0.8, 1.25] (labels scaled alike).
    stretch = math.exp(rng.uniform(math.log(0.8), math.log(1.25)))
    src_len = length / stretch
    start = rng.uniform(0, max(0.0, n - src_len))
    pos = start + np.arange(length) / stretch
    pos = np.clip(pos, 0, n - 1)
    i0 = np.floor(pos).astype(np.int64)
    i1 = np.minimum(i0 + 1, n - 1)
    w = (pos - i0)[:, None].astype(np.float32)
    xs = x[i0] * (1 - w) + x[i1] * w
    # Gain and EQ tilt, applied exactly through the log1p compression: x' = log1p(g_b * expm1(x)).
    gain_db = rng.uniform(-12, 6)
    tilt_db = rng.uniform(-6, 6)
    b = xs.shape[1]
    g = 10 ** ((gain_db + tilt_db * (np.arange(b) / (b - 1) - 0.5)) / 20)
    xs = np.log1p(np.expm1(xs) * g[None, :].astype(np.float32)).astype(np.float32)
    if rng.random() < 0.3:  # a masked band region, so no single band is relied on
        w0 = rng.randrange(0, b - 8)
        xs[:, w0:w0 + rng.randrange(2, 8)] = 0
    valid_frames = int(min(length, math.floor((n - 1 - start) * stretch) + 1))
    yb = targets(it['beats'], start, length, fps, stretch)
    yd = targets(it['downbeats'], start, length, fps, stretch)
    mask = np.zeros(length, dtype=np.float32)
    mask[:valid_frames] = 1
    return xs, np.stack([yb, yd], 1), mask


def evaluate(model, items, fps):
    model.eval()
    loss_sum, frames, fb, fd = 0.0, 0, [], []
    with torch.no_grad():
        for it in items:
            x = torch.from_numpy(it['x'])[None]
            logits = model(x, logits=True)[0]
            n = logits.shape[0]
            y = torch.from_numpy(np.stack([targets(it['beats'], 0, n, fps, 1.0), targets(it['downbeats'], 0, n, fps, 1.0)], 1))
            loss_sum += F.binary_cross_entropy_with_logits(logits, y, reduction='sum').item()
            frames += n
            act = torch.sigmoid(logits).numpy()
            fb.append(f_measure(it['beats'], pick_peaks(act[:, 0], fps, 0.4)))
            fd.append(f_measure(it['downbeats'], pick_peaks(act[:, 1], fps, 0.4, min_gap=0.5)))
    model.train()
    return loss_sum / max(1, frames) / 2, float(np.mean(fb)), float(np.mean(fd))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--data', required=True)
    ap.add_argument('--out', required=True)
    ap.add_argument('--minutes', type=float, default=22.0)
    ap.add_argument('--threads', type=int, default=2)
    ap.add_argument('--seed', type=int, default=1)
    ap.add_argument('--crop', type=int, default=1500)
    ap.add_argument('--batch', type=int, default=8)
    ap.add_argument('--val-frac', type=float, default=0.15)
    ap.add_argument('--eval-every', type=int, default=150)
    ap.add_argument('--patience', type=int, default=8)
    ap.add_argument('--max-steps', type=int, default=2400, help='the cosine learning-rate schedule spans these steps')
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    random.seed(args.seed)
    np.random.seed(args.seed)
    torch.manual_seed(args.seed)
    rng = random.Random(args.seed)

    index, items = load_items(args.data)
    fps = index['fps']
    train, val = split_by_piece(items, args.val_frac, args.seed)
    hours = sum(it['x'].shape[0] for it in items) / fps / 3600
    print(f'{len(items)} items ({hours:.2f} h): {len(train)} train, {len(val)} validation '
          f'({len({it["group"] for it in val})} pieces held out); threads {args.threads}', flush=True)

    model = BeatNet(bands=index['features']['bands'])
    n_params = sum(p.numel() for p in model.parameters())
    print(f'parameters {n_params}, receptive field ±{model.receptive_field()} frames', flush=True)
    opt = torch.optim.AdamW(model.parameters(), lr=2e-3, weight_decay=1e-4)
    # Items drawn in proportion to their length, so every second of music counts alike.
    weights = np.array([it['x'].shape[0] for it in train], dtype=np.float64)
    weights /= weights.sum()

    t0 = time.time()
    best = (-1.0, None, 0)
    history = []
    bad = 0
    step = 0
    run_loss = 0.0
    while step < args.max_steps and time.time() - t0 < args.minutes * 60:
        xb, yb, mb = [], [], []
        for _ in range(args.batch):
            it = train[np.searchsorted(np.cumsum(weights), rng.random())]
            x, y, m = augmented_crop(it, args.crop, fps, rng)
            xb.append(x); yb.append(y); mb.append(m)
        x = torch.from_numpy(np.stack(xb))
        y = torch.from_numpy(np.stack(yb))
        m = torch.from_numpy(np.stack(mb))[:, :, None]
        # Cosine decay over the step budget (steps, not seconds: the same seed gives the same model).
        for g in opt.param_groups:
            g['lr'] = 2e-3 * (0.05 + 0.95 * 0.5 * (1 + math.cos(math.pi * step / args.max_steps)))
        logits = model(x, logits=True)
        loss = (F.binary_cross_entropy_with_logits(logits, y, reduction='none') * m).sum() / (m.sum() * 2)
        opt.zero_grad()
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        run_loss += loss.item()
        step += 1
        if step % args.eval_every == 0:
            vl, vfb, vfd = evaluate(model, val, fps)
            score = vfb + vfd
            el = time.time() - t0
            history.append({'step': step, 'seconds': round(el), 'trainLoss': run_loss / args.eval_every, 'valLoss': vl, 'valBeatF': vfb, 'valDownbeatF': vfd})
            print(f'step {step} {el:.0f}s train {run_loss / args.eval_every:.4f} val {vl:.4f} beatF {vfb:.3f} downbeatF {vfd:.3f}', flush=True)
            run_loss = 0.0
            if score > best[0]:
                best = (score, {k: v.clone() for k, v in model.state_dict().items()}, step)
                bad = 0
            else:
                bad += 1
                if bad >= args.patience:
                    print('early stop', flush=True)
                    break
    train_seconds = time.time() - t0
    if best[1] is not None:
        model.load_state_dict(best[1])
    vl, vfb, vfd = evaluate(model, val, fps)
    print(f'best step {best[2]}: val loss {vl:.4f} beatF {vfb:.3f} downbeatF {vfd:.3f}; {train_seconds:.0f}s', flush=True)
    export(model, args, index, {
        'trainSeconds': round(train_seconds), 'cpuSeconds': round(time.process_time()), 'threads': args.threads, 'steps': step, 'bestStep': best[2],
        'seed': args.seed, 'items': len(items), 'trainItems': len(train), 'validationItems': len(val), 'hours': round(hours, 3),
        'validation': {'loss': vl, 'beatF': vfb, 'downbeatF': vfd, 'peakPicker': 'local max over 0.4, 0.2 s (beats) / 0.5 s (downbeats) apart',
                       'groupKey': GROUP_KEY, 'groups': sorted({it['group'] for it in val})},
        'history': history,
    }, n_params)


def export(model, args, index, training, n_params):
    os.makedirs(args.out, exist_ok=True)
    model.eval()
    onnx_path = os.path.join(args.out, 'beat.onnx')
    dummy = torch.zeros(1, 500, index['features']['bands'])
    torch.onnx.export(model, dummy, onnx_path, input_names=['features'], output_names=['activations'],
                      dynamic_axes={'features': {1: 'frames'}, 'activations': {1: 'frames'}}, opset_version=13)
    meta = {
        'version': 1,
        'name': 'beatnet-tcn',
        'features': index['features'],
        'fps': index['fps'],
        'inputName': 'features',
        'outputName': 'activations',
        'outputs': ['beat', 'downbeat'],
        'receptiveFieldFrames': model.receptive_field(),
        'parameters': n_params,
        'training': {
            'set': index['manifest'], 'manifest': index.get('manifestInfo'), 'split': 'dev', 'sha256': index['sha256'],
            'onnxSha256': hashlib.sha256(open(onnx_path, 'rb').read()).hexdigest(), **training,
        },
    }
    with open(os.path.join(args.out, 'beat.json'), 'w') as f:
        json.dump(meta, f, indent=1)
    print(f'wrote {onnx_path} ({os.path.getsize(onnx_path)} bytes)', flush=True)


if __name__ == '__main__':
    main()
