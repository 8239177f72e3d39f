"""From-scratch classifiers over WordPiece ids, built so ONNX export and padding are exact.

Every block only looks left (causal convolutions, forward GRU, per-length reversed GRU), so the
right padding that transformers.js adds to a batch never changes a message's logits.
"""

import torch
from torch import nn
import torch.nn.functional as F

# Added to padded positions before max-pooling; far below any real activation.
MASK_FILL = -1e4


def masked_max_mean(states, mask):
    """states [B, L, C], mask [B, L] float; max and mean over the real tokens only."""
    keep = mask.unsqueeze(-1)
    max_pool = (states * keep + (1.0 - keep) * MASK_FILL).max(dim=1).values
    mean_pool = (states * keep).sum(dim=1) / keep.sum(dim=1).clamp(min=1.0)
    return torch.cat([max_pool, mean_pool], dim=-1)


def reverse_within_length(states, lengths):
    """Reverse each sequence's first `length` steps; positions past the end get filler."""
    steps = torch.arange(states.shape[1], device=states.device).unsqueeze(0)
    index = (lengths.unsqueeze(1) - 1 - steps).clamp(min=0)
    return states.gather(1, index.unsqueeze(-1).expand(-1, -1, states.shape[2]))


class ConvEncoder(nn.Module):
    """Causal n-gram detectors: width w at step t sees tokens t-w+1..t (e.g. "feel" + the next word)."""

    def __init__(self, embed_dim, channels, widths):
        super().__init__()
        self.widths = list(widths)
        self.convs = nn.ModuleList(nn.Conv1d(embed_dim, channels, w) for w in self.widths)
        self.out_dim = channels * len(self.widths)

    def forward(self, embedded, mask):
        x = embedded.transpose(1, 2)
        outputs = [F.relu(conv(F.pad(x, (w - 1, 0)))) for conv, w in zip(self.convs, self.widths)]
        return torch.cat(outputs, dim=1).transpose(1, 2)


class GatedConvEncoder(nn.Module):
    """Causal convolutions with a GLU gate: the gate lets "feel so X" switch on X's feature
    multiplicatively, which a plain ReLU n-gram detector can only approximate."""

    def __init__(self, embed_dim, channels, widths):
        super().__init__()
        self.widths = list(widths)
        self.convs = nn.ModuleList(nn.Conv1d(embed_dim, 2 * channels, w) for w in self.widths)
        self.out_dim = channels * len(self.widths)

    def forward(self, embedded, mask):
        x = embedded.transpose(1, 2)
        outputs = [F.glu(conv(F.pad(x, (w - 1, 0))), dim=1) for conv, w in zip(self.convs, self.widths)]
        return torch.cat(outputs, dim=1).transpose(1, 2)


class BiGruEncoder(nn.Module):
    def __init__(self, embed_dim, hidden):
        super().__init__()
        self.forward_gru = nn.GRU(embed_dim, hidden, batch_first=True)
        self.backward_gru = nn.GRU(embed_dim, hidden, batch_first=True)
        self.out_dim = 2 * hidden

    def forward(self, embedded, mask):
        lengths = mask.sum(dim=1).long()
        forward_states, _ = self.forward_gru(embedded)
        backward_states, _ = self.backward_gru(reverse_within_length(embedded, lengths))
        return torch.cat([forward_states, reverse_within_length(backward_states, lengths)], dim=-1)


class EmotionClassifier(nn.Module):
    def __init__(self, vocab_size, num_labels, arch="cnn", embed_dim=128, channels=256, widths=(1, 2, 3),
                 hidden=128, dropout=0.4):
        super().__init__()
        self.embed = nn.Embedding(vocab_size, embed_dim, padding_idx=0)
        self.embed_dropout = nn.Dropout(dropout / 2)
        if arch == "cnn":
            self.encoder = ConvEncoder(embed_dim, channels, widths)
        elif arch == "gcnn":
            self.encoder = GatedConvEncoder(embed_dim, channels, (1, 2, 3, 4))
        else:
            self.encoder = BiGruEncoder(embed_dim, hidden)
        self.dropout = nn.Dropout(dropout)
        self.head = nn.Linear(2 * self.encoder.out_dim, num_labels)

    def forward(self, input_ids, attention_mask):
        return self.classify_embedded(self.embed(input_ids), attention_mask)

    def classify_embedded(self, embedded, attention_mask):
        """The network after the embedding lookup, so training can perturb the embeddings."""
        mask = attention_mask.to(torch.float32)
        states = self.encoder(self.embed_dropout(embedded), mask)
        return self.head(self.dropout(masked_max_mean(states, mask)))


class EnsembleForExport(nn.Module):
    """Averages member logits and divides by the calibrated temperature, as one ONNX graph."""

    def __init__(self, members, temperature):
        super().__init__()
        self.members = nn.ModuleList(members)
        self.register_buffer("temperature", torch.tensor(float(temperature)))

    def forward(self, input_ids, attention_mask):
        logits = torch.stack([m(input_ids, attention_mask) for m in self.members]).mean(dim=0)
        return logits / self.temperature
