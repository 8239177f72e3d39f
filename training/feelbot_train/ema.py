"""An exponential moving average of a model's weights (Polyak averaging), evaluated instead of the raw weights.

Averaging the last few thousand steps smooths out the noise that dair-ai's split labels put into
each update; it costs one extra copy of the weights and one multiply-add per step.
"""

import copy

import torch


class WeightAverage:
    def __init__(self, model, decay):
        self.decay = decay
        self.updates = 0
        self.model = copy.deepcopy(model).eval()
        for param in self.model.parameters():
            param.requires_grad_(False)

    @torch.no_grad()
    def update(self, model):
        self.updates += 1
        # Early on the average would be dominated by the random start; TensorFlow's num_updates warm-up.
        decay = min(self.decay, (1 + self.updates) / (10 + self.updates))
        for averaged, current in zip(self.model.parameters(), model.parameters()):
            averaged.mul_(decay).add_(current.detach(), alpha=1.0 - decay)
