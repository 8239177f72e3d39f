"""Training-only regularisers for a member: token dropout and adversarial embedding perturbation."""

import torch

from .wordpiece import CLS_ID, SEP_ID, UNK_ID


def drop_tokens(ids, mask, rate, generator):
    """Replace a random `rate` of the real tokens with [UNK], so no single word carries a decision
    alone, as with the unseen words of Reddit, tweets or dialogue."""
    if rate <= 0:
        return ids
    droppable = mask.bool() & (ids != CLS_ID) & (ids != SEP_ID)
    hit = (torch.rand(ids.shape, generator=generator) < rate) & droppable
    return ids.masked_fill(hit, UNK_ID)


def adversarial_loss(model, embedded, mask, clean_loss, loss_of, epsilon):
    """Fast gradient method on the embeddings (Miyato et al. 2017): the loss at the worst-case
    perturbation of L2 size `epsilon` × the message's own embedding norm."""
    (grad,) = torch.autograd.grad(clean_loss, embedded, retain_graph=True)
    keep = mask.unsqueeze(-1).to(embedded.dtype)
    grad = grad * keep
    grad_norm = grad.flatten(1).norm(dim=1).clamp(min=1e-12).view(-1, 1, 1)
    size = (embedded.detach() * keep).flatten(1).norm(dim=1).view(-1, 1, 1)
    perturbation = (epsilon * size * grad / grad_norm).detach()
    return loss_of(model.classify_embedded(embedded + perturbation, mask))
