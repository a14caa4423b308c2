"""Writes the distillation-loss golden to test/fixtures/reference/distill/ (see reference/README.md, "Distillation").

    /usr/bin/python3 reference/make_distill_fixtures.py     # Debian's python3-torch, never the pyenv python

The loss of Hugging Face's examples/research_projects/distillation/distiller.py (Sanh et al. 2019 §2-3), with its
defaults for BERT → DistilBERT (restrict_ce_to_mask off, mlm on, alpha_clm 0), on fixed random tensors:
- loss_ce  = KLDivLoss(batchmean)(log_softmax(s / T), softmax(t / T)) · T², over the positions of attention_mask
             (masked_select of the [batch, seq, vocab] logits; "batchmean" divides by those rows, not by batch);
- loss_mlm = CrossEntropyLoss(ignore_index=-100) of the student's logits against the labels;
- loss_cos = CosineEmbeddingLoss(mean, target 1) between the last hidden states of the attention_mask positions;
- loss     = alpha_ce · loss_ce + alpha_mlm · loss_mlm + alpha_cos · loss_cos,
the soft-target part with restrict_ce_to_mask (at the labelled positions only) and its gradient, and the gradient of
`loss` with respect to the student's logits and last hidden states (all positions: padding rows
must get exactly zero). T = 2.5 ≠ 1 so a missing T² or 1/T shows; padding rows hold random values, so averaging over
them or taking their cosine moves the loss; the teacher's logits are sharp so KL(t‖s) and KL(s‖t) differ widely.
"""
import os
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F

sys.dont_write_bytecode = True
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from fixture_files import FixtureFiles  # noqa: E402

SEED = 20261130
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT = os.path.join(ROOT, "test", "fixtures", "reference", "distill")
COMMAND = "/usr/bin/python3 reference/make_distill_fixtures.py"

TEMPERATURE = 2.5
ALPHA_CE, ALPHA_MLM, ALPHA_COS = 5.0, 2.0, 1.0
BATCH, SEQ, VOCAB, DIM = 3, 7, 13, 9
LENGTHS = [7, 4, 5]


def distiller_loss(s_logits, t_logits, s_hidden, t_hidden, attention_mask, labels, temperature, restrict_ce_to_mask=False):
    """distiller.py's step() for MLM, written from its rules: the three parts, each a scalar."""
    mask = attention_mask.bool().unsqueeze(-1)
    ce_mask = (labels > -1).unsqueeze(-1) if restrict_ce_to_mask else mask
    s_sel = torch.masked_select(s_logits, ce_mask.expand_as(s_logits)).view(-1, s_logits.size(-1))
    t_sel = torch.masked_select(t_logits, ce_mask.expand_as(t_logits)).view(-1, t_logits.size(-1))
    loss_ce = nn.KLDivLoss(reduction="batchmean")(
        F.log_softmax(s_sel / temperature, dim=-1), F.softmax(t_sel / temperature, dim=-1)) * temperature ** 2
    loss_mlm = nn.CrossEntropyLoss(ignore_index=-100)(s_logits.view(-1, s_logits.size(-1)), labels.view(-1))
    dim = s_hidden.size(-1)
    s_h = torch.masked_select(s_hidden, mask.expand_as(s_hidden)).view(-1, dim)
    t_h = torch.masked_select(t_hidden, mask.expand_as(t_hidden)).view(-1, dim)
    target = s_h.new(s_h.size(0)).fill_(1)
    loss_cos = nn.CosineEmbeddingLoss(reduction="mean")(s_h, t_h, target)
    return loss_ce, loss_mlm, loss_cos


def main():
    torch.manual_seed(SEED)
    torch.set_num_threads(1)
    files = FixtureFiles(OUT, COMMAND, SEED)
    attention_mask = torch.zeros(BATCH, SEQ, dtype=torch.int64)
    for b, length in enumerate(LENGTHS):
        attention_mask[b, :length] = 1
    labels = torch.full((BATCH, SEQ), -100, dtype=torch.int64)
    for b, positions in enumerate([[1, 4, 5], [2], [1, 3]]):
        for p in positions:
            labels[b, p] = int(torch.randint(0, VOCAB, ()))
    # The teacher is confident (logits × 4), the student not: KL's direction matters.
    t_logits = torch.randn(BATCH, SEQ, VOCAB) * 4
    s_logits = torch.randn(BATCH, SEQ, VOCAB, requires_grad=True)
    t_hidden = torch.randn(BATCH, SEQ, DIM)
    s_hidden = (0.6 * t_hidden + torch.randn(BATCH, SEQ, DIM)).detach().requires_grad_(True)

    loss_ce, loss_mlm, loss_cos = distiller_loss(s_logits, t_logits, s_hidden, t_hidden, attention_mask, labels, TEMPERATURE)
    loss = ALPHA_CE * loss_ce + ALPHA_MLM * loss_mlm + ALPHA_COS * loss_cos
    loss.backward()
    pad = attention_mask == 0
    assert s_logits.grad[pad].abs().max() == 0 and s_hidden.grad[pad].abs().max() == 0

    s_restricted = s_logits.detach().clone().requires_grad_(True)
    restricted, _, _ = distiller_loss(s_restricted, t_logits, s_hidden.detach(), t_hidden, attention_mask, labels, TEMPERATURE, True)
    restricted.backward()
    restricted_grad = s_restricted.grad

    # How far each bug would move the loss (the test's tolerance is 1e-5 relative).
    with torch.no_grad():
        rows = attention_mask.bool()
        s_sel, t_sel = s_logits[rows], t_logits[rows]
        reversed_kl = F.kl_div(F.log_softmax(t_sel / TEMPERATURE, -1), F.softmax(s_sel / TEMPERATURE, -1), reduction="batchmean") * TEMPERATURE ** 2
        all_rows = F.kl_div(F.log_softmax(s_logits.view(-1, VOCAB) / TEMPERATURE, -1), F.softmax(t_logits.view(-1, VOCAB) / TEMPERATURE, -1),
                            reduction="batchmean") * TEMPERATURE ** 2
        cos_all = (1 - F.cosine_similarity(s_hidden.view(-1, DIM), t_hidden.view(-1, DIM), dim=-1)).mean()
    checks = {
        "loss_ce": loss_ce.item(), "loss_ce_restricted_to_mask": restricted.item(), "loss_mlm": loss_mlm.item(), "loss_cos": loss_cos.item(), "loss": loss.item(),
        "loss_ce_without_t_squared": loss_ce.item() / TEMPERATURE ** 2,
        "loss_ce_reversed_kl": reversed_kl.item(),
        "loss_ce_over_padding_too": all_rows.item(),
        "loss_cos_over_padding_too": cos_all.item(),
    }
    files.safetensors("loss.safetensors", {
        "attention_mask": attention_mask, "labels": labels,
        "teacher_logits": t_logits, "student_logits": s_logits.detach(),
        "teacher_hidden": t_hidden, "student_hidden": s_hidden.detach(),
        "loss_ce": loss_ce.detach().reshape(()),
        "loss_ce_restricted": restricted.detach().reshape(()), "grad_student_logits_restricted": restricted_grad, "loss_mlm": loss_mlm.detach().reshape(()),
        "loss_cos": loss_cos.detach().reshape(()), "loss": loss.detach().reshape(()),
        "grad_student_logits": s_logits.grad, "grad_student_hidden": s_hidden.grad,
        "temperature": torch.tensor(TEMPERATURE), "alphas": torch.tensor([ALPHA_CE, ALPHA_MLM, ALPHA_COS]),
    }, f"distiller.py's loss (T {TEMPERATURE}, alphas {ALPHA_CE}/{ALPHA_MLM}/{ALPHA_COS}) and its gradients, padding rows random")
    files.manifest["checks"] = checks
    files.finish()
    for name, value in checks.items():
        print(f"{name}: {value:.6f}")


if __name__ == "__main__":
    main()
