"""The beat/downbeat network: a small convolutional front end over the log-mel bands, then a
non-causal dilated TCN over time (after Böck & Davies 2020 and madmom's TCN), two sigmoid outputs."""
import torch
import torch.nn as nn
import torch.nn.functional as F


class TcnBlock(nn.Module):
    def __init__(self, ch, kernel, dilation, dropout):
        super().__init__()
        self.conv = nn.Conv1d(ch, ch, kernel, dilation=dilation, padding=dilation * (kernel - 1) // 2)
        self.mix = nn.Conv1d(ch, ch, 1)
        self.drop = nn.Dropout(dropout)

    def forward(self, x):
        h = self.drop(F.elu(self.conv(x)))
        return x + self.mix(h), h


class BeatNet(nn.Module):
    """Front end: two 3-frame convolutions with the mel bands as channels (a learned, band-weighted
    spectral flux; a 2-D front end cost 12x as much per training step for the 25-minute budget).
    Then residual blocks of non-causal dilated convolutions (kernel 5, dilations 1..128: each frame
    sees ±512 frames, ±10 s), their outputs summed as skip connections, and a 1x1 head."""

    def __init__(self, bands=64, ch=32, kernel=5, dilations=(1, 2, 4, 8, 16, 32, 64, 128), dropout=0.1):
        super().__init__()
        self.kernel = kernel
        self.dilations = dilations
        self.front = nn.Sequential(
            nn.Conv1d(bands, 48, 3, padding=1), nn.BatchNorm1d(48), nn.ELU(), nn.Dropout(dropout),
            nn.Conv1d(48, ch, 3, padding=1), nn.ELU(), nn.Dropout(dropout),
        )
        self.blocks = nn.ModuleList([TcnBlock(ch, kernel, d, dropout) for d in dilations])
        self.head = nn.Conv1d(ch, 2, 1)

    def receptive_field(self):
        """Frames seen on each side of the scored frame."""
        return 2 + sum(d * (self.kernel - 1) // 2 for d in self.dilations)

    def forward(self, x, logits=False):
        # x: [batch, frames, bands] -> [batch, frames, 2]
        h = self.front(x.transpose(1, 2))
        skip = 0
        for b in self.blocks:
            h, s = b(h)
            skip = skip + s
        out = self.head(F.elu(skip)).transpose(1, 2)
        return out if logits else torch.sigmoid(out)
