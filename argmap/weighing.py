"""Weighing evidence beyond the inconsistency count.

Posterior probabilities from ratings read as likelihoods, tempered by each
item's credibility and relevance and discounted for dependent items; what the
conclusion hinges on (leave-one-out linchpins, the fewest rating changes that
would overturn it); Monte Carlo over plausible re-ratings; estimative language
and a confidence level with its reasons. Everything runs on arrays.
See docs/weighing.md for the formulas and the reasons for them.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import numpy.typing as npt

from .vocabulary import DEFAULT_LIKELIHOODS, SCALE_CODES, VOCABULARY

__all__ = [
    "CODE",
    "DEFAULT_DRAWS",
    "DRAWS_PER_ROUND",
    "DEFAULT_LIKELIHOODS",
    "DEFAULT_SEED",
    "ESTIMATIVE_TERMS",
    "LEVEL",
    "NEUTRAL",
    "STEPS",
    "TEMPER_FACTOR",
    "TIE",
    "Change",
    "MonteCarlo",
    "Sensitivity",
    "Weighing",
    "WeighingInput",
    "estimative_term",
    "log_likelihood_table",
    "top_mask",
]

FloatArray = npt.NDArray[np.float64]

STEPS = SCALE_CODES
"""Ratings in ascending order; a one-step change moves one place along this scale."""
CODE = VOCABULARY.steps
"""Rating → its index in STEPS, the rating code of the arrays."""
NEUTRAL = CODE[VOCABULARY.neutral.code]
LEVELS = ("low", "medium", "high")
LEVEL = {level: index for index, level in enumerate(LEVELS)}

TEMPER_FACTOR = {"low": 0.5, "medium": 0.75, "high": 1.0}
"""Credibility and relevance factors for tempering; their product w gives
P′(E|H) = w·P(E|H) + (1 − w)·½."""

CELL_STEP = 0.075
"""Monte Carlo: probability that a rated cell moves one step up, and likewise down."""
LEVEL_STEP = 0.15
"""Monte Carlo: probability that credibility (and, separately, relevance) moves one level."""
DEFAULT_DRAWS = 2000
DEFAULT_SEED = 20220105
DRAWS_PER_ROUND = 500
"""The Monte Carlo draws at most this many at a time, and may stop once it has drawn this many
(see :func:`_decided`)."""
DECIDED_Z = 1.96
"""z of the Wilson interval within which a share must round to one percentage to be decided."""
TIE = 1e-9

ESTIMATIVE_TERMS: tuple[tuple[float, str], ...] = (
    (0.05, "almost no chance"),
    (0.20, "very unlikely"),
    (0.45, "unlikely"),
    (0.55, "roughly even chance"),
    (0.80, "likely"),
    (0.95, "very likely"),
    (1.01, "almost certain"),
)
"""ICD 203 terms with the upper bound of each band (US Intelligence Community Directive 203)."""


def estimative_term(probability: float) -> str:
    """The ICD 203 phrase for a probability.

    >>> estimative_term(0.03), estimative_term(0.5), estimative_term(0.9)
    ('almost no chance', 'roughly even chance', 'very likely')
    """
    for upper, term in ESTIMATIVE_TERMS:
        if probability < upper or (upper == 0.55 and probability <= upper):
            return term
    return ESTIMATIVE_TERMS[-1][1]


def log_likelihood_table(likelihoods: Mapping[str, float], reliability: float = 1.0) -> FloatArray:
    """log P′(E|H) indexed by [rating code, credibility level, relevance level], for items
    whose reliability factor is ``reliability``."""
    table = np.empty((len(STEPS), len(LEVELS), len(LEVELS)))
    for r, rating in enumerate(STEPS):
        for c, cred in enumerate(LEVELS):
            for v, rel in enumerate(LEVELS):
                w = TEMPER_FACTOR[cred] * TEMPER_FACTOR[rel] * reliability
                table[r, c, v] = math.log(w * likelihoods[rating] + (1 - w) * 0.5)
    return table


@dataclass(frozen=True)
class WeighingInput:
    """The case as arrays: rows are evidence items, columns leaf hypotheses."""

    leaf_ids: tuple[str, ...]
    evidence_ids: tuple[str, ...]
    codes: npt.NDArray[np.int8]
    """Rating code per cell (II=0 … CC=4); NA and unrated cells hold N."""
    fixed: npt.NDArray[np.bool_]
    """True for NA and unrated cells: they take the N likelihood and never move."""
    credibility: npt.NDArray[np.int8]
    """Level per item (low=0, medium=1, high=2)."""
    relevance: npt.NDArray[np.int8]
    dependence_group: tuple[str | None, ...]
    """Per item, the originator or `group:` it shares with others (None when independent)."""
    deceptive: npt.NDArray[np.bool_]
    prior: FloatArray
    """Prior probability per leaf, summing to 1."""
    likelihoods: Mapping[str, float] = field(default_factory=lambda: dict(DEFAULT_LIKELIHOODS))
    source: tuple[str | None, ...] = ()
    """Per item, the source it is quoted from."""
    reliability: FloatArray | None = None
    """Per item, the factor its source's or originators' Admiralty grade puts on the weight
    of its likelihoods (None: 1 for every item, as for ungraded ones)."""

    @cached_property
    def reliability_factor(self) -> FloatArray:
        if self.reliability is None:
            return np.ones(len(self.evidence_ids))
        return np.asarray(self.reliability, dtype=float)

    @cached_property
    def group_size(self) -> npt.NDArray[np.int64]:
        """How many items share each item's dependence group (1 when independent)."""
        counts: dict[str, int] = {}
        for key in self.dependence_group:
            if key is not None:
                counts[key] = counts.get(key, 0) + 1
        return np.array(
            [counts[key] if key is not None else 1 for key in self.dependence_group],
            dtype=np.int64,
        )

    @cached_property
    def discount(self) -> FloatArray:
        """Each item's share of its log-likelihood: 1/k for k dependent items."""
        return 1.0 / self.group_size.astype(float)

    @cached_property
    def table(self) -> FloatArray:
        return log_likelihood_table(self.likelihoods)

    @cached_property
    def row_table(self) -> FloatArray:
        """log P′ per item, indexed by [item, rating code, credibility, relevance]: the
        table of the item's reliability factor (one table per distinct factor)."""
        factors, which = np.unique(self.reliability_factor, return_inverse=True)
        tables = (
            np.stack(
                [
                    self.table if f == 1.0 else log_likelihood_table(self.likelihoods, float(f))
                    for f in factors
                ]
            )
            if len(factors)
            else np.empty((0, *self.table.shape))
        )
        return tables[which.reshape(-1)]

    @cached_property
    def log_likelihood(self) -> FloatArray:
        """log P′(E|H) per cell."""
        rows = np.arange(len(self.evidence_ids))[:, None]
        return self.row_table[rows, self.codes, self.credibility[:, None], self.relevance[:, None]]

    def replace(self, **changes: object) -> WeighingInput:
        """A copy with some fields changed (its derived arrays computed afresh)."""
        return dataclasses.replace(self, **changes)  # type: ignore[arg-type]

    def without(self, rows: npt.NDArray[np.bool_]) -> WeighingInput:
        """The same case without the items where ``rows`` is True."""
        keep = ~rows
        return WeighingInput(
            self.leaf_ids,
            tuple(e for e, k in zip(self.evidence_ids, keep, strict=True) if k),
            self.codes[keep],
            self.fixed[keep],
            self.credibility[keep],
            self.relevance[keep],
            tuple(g for g, k in zip(self.dependence_group, keep, strict=True) if k),
            self.deceptive[keep],
            self.prior,
            self.likelihoods,
            tuple(s for s, k in zip(self.source, keep, strict=True) if k) if self.source else (),
            None if self.reliability is None else self.reliability_factor[keep],
        )


def _softmax(log_weights: FloatArray) -> FloatArray:
    if log_weights.shape[-1] == 0:
        return log_weights.copy()
    shifted = log_weights - log_weights.max(axis=-1, keepdims=True)
    weights = np.exp(shifted)
    return weights / weights.sum(axis=-1, keepdims=True)


def top_mask(scores: FloatArray) -> npt.NDArray[np.bool_]:
    """The leaves tied for the top (within a relative 1e-9), along the last axis."""
    if scores.shape[-1] == 0:
        return np.zeros(scores.shape, dtype=bool)
    best = scores.max(axis=-1, keepdims=True)
    return scores >= best - TIE * np.maximum(1.0, np.abs(best))


@dataclass(frozen=True)
class Change:
    """One single-step change of one rating."""

    evidence: str
    hypothesis: str
    before: str
    after: str


@dataclass(frozen=True)
class Sensitivity:
    """A smallest set of rating changes, each cell moved one step at most, that changes the
    top hypothesis."""

    changes: tuple[Change, ...]
    challenger: str
    """The leaf that reaches (or ties) the top after the changes."""


@dataclass(frozen=True)
class MonteCarlo:
    draws: int
    seed: int
    p_top: FloatArray
    """Per leaf: share of draws in which it is (or ties for) the top."""
    low: FloatArray
    """5th percentile of each leaf's posterior."""
    high: FloatArray
    """95th percentile of each leaf's posterior."""
    group_p_top: dict[str, float]
    group_low: dict[str, float]
    group_high: dict[str, float]


class Weighing:
    """Posteriors, robustness and confidence for one case."""

    def __init__(self, data: WeighingInput, groups: Mapping[str, Sequence[str]] | None = None):
        self.data = data
        self.groups = {gid: list(leaves) for gid, leaves in (groups or {}).items()}
        self._column = {hid: j for j, hid in enumerate(data.leaf_ids)}

    # --- posteriors ----------------------------------------------------------------------

    def log_posterior(self, data: WeighingInput | None = None) -> FloatArray:
        data = data or self.data
        evidence = data.discount @ data.log_likelihood if len(data.evidence_ids) else 0.0
        return np.log(data.prior) + evidence

    @cached_property
    def posterior(self) -> FloatArray:
        """P(H|E) per leaf, summing to 1."""
        return _softmax(self.log_posterior())

    @cached_property
    def independent_posterior(self) -> FloatArray:
        """The posterior as if every item were independent (no dependence discount)."""
        data = self.data
        total = np.log(data.prior) + data.log_likelihood.sum(axis=0)
        return _softmax(total)

    @cached_property
    def top(self) -> npt.NDArray[np.bool_]:
        return top_mask(self.log_posterior())

    @property
    def top_ids(self) -> list[str]:
        return [hid for hid, is_top in zip(self.data.leaf_ids, self.top, strict=True) if is_top]

    def group_posterior(self, posterior: FloatArray | None = None) -> dict[str, float]:
        posterior = self.posterior if posterior is None else posterior
        return {
            gid: float(sum(posterior[self._column[leaf]] for leaf in leaves))
            for gid, leaves in self.groups.items()
        }

    @cached_property
    def likelihood_diagnosticity(self) -> FloatArray:
        """Spread of each item's log-likelihoods across leaves (natural log, discounted)."""
        ll = self.data.log_likelihood
        if not ll.size:
            return np.zeros(len(self.data.evidence_ids))
        return (ll.max(axis=1) - ll.min(axis=1)) * self.data.discount

    @cached_property
    def without_deceptive(self) -> FloatArray | None:
        """The posterior with items suspected of deception removed (None when there are none)."""
        if not self.data.deceptive.any():
            return None
        return _softmax(self.log_posterior(self.data.without(self.data.deceptive)))

    # --- what the conclusion hinges on ---------------------------------------------------------

    @cached_property
    def removal_log_posteriors(self) -> FloatArray:
        """Row e: the log posterior without item e (its group's discount adjusted)."""
        data = self.data
        ll = data.log_likelihood
        total = self.log_posterior()
        if not len(data.evidence_ids):
            return np.empty((0, len(data.leaf_ids)))
        keys = [g if g is not None else f"\0{i}" for i, g in enumerate(data.dependence_group)]
        index = {key: n for n, key in enumerate(dict.fromkeys(keys))}
        member = np.array([index[k] for k in keys])
        group_sum = np.zeros((len(index), ll.shape[1]))
        np.add.at(group_sum, member, ll)
        k = data.group_size.astype(float)[:, None]
        remaining = group_sum[member] - ll
        adjusted = np.where(k > 1, remaining / np.maximum(k - 1, 1), 0.0)
        return total - group_sum[member] / k + adjusted

    @cached_property
    def linchpins(self) -> npt.NDArray[np.bool_]:
        """Per item: removing it changes the top hypothesis (or the set of tied tops)."""
        if not len(self.data.evidence_ids):
            return np.zeros(0, dtype=bool)
        return (top_mask(self.removal_log_posteriors) != self.top).any(axis=1)

    @cached_property
    def removal_shift(self) -> FloatArray:
        """Per item: change of the top leaf's posterior when the item is removed."""
        if not len(self.data.evidence_ids) or not len(self.data.leaf_ids):
            return np.zeros(len(self.data.evidence_ids))
        j = int(np.argmax(self.posterior))
        return _softmax(self.removal_log_posteriors)[:, j] - self.posterior[j]

    @cached_property
    def reversal_shift(self) -> FloatArray:
        """Per item: change of the top leaf's posterior when the item's ratings are reversed
        (CC ↔ II, C ↔ I; N, NA and unrated cells stay) — the item read the other way."""
        data = self.data
        if not len(data.evidence_ids) or not len(data.leaf_ids):
            return np.zeros(len(data.evidence_ids))
        reversed_codes = np.where(data.fixed, data.codes, len(STEPS) - 1 - data.codes)
        rows = np.arange(len(data.evidence_ids))[:, None]
        reversed_ll = data.row_table[
            rows, reversed_codes, data.credibility[:, None], data.relevance[:, None]
        ]
        shifted = (
            self.log_posterior() + (reversed_ll - data.log_likelihood) * data.discount[:, None]
        )
        j = int(np.argmax(self.posterior))
        return _softmax(shifted)[:, j] - self.posterior[j]

    def smallest_change(self, max_changes: int = 12) -> Sensitivity | None:
        """The fewest rating changes, each cell moved by one step at most, that change the
        top (None if none of at most ``max_changes`` does)."""
        found = self.smallest_changes(1, max_changes)
        return found[0] if found else None

    def smallest_changes(self, count: int = 3, max_changes: int = 12) -> list[Sensitivity]:
        """Up to ``count`` smallest sets of plausible rating changes that change the top:
        each moves a cell by one step at most (a re-rating an analyst could argue for).

        Against each challenger, the margin in log-posterior closes fastest by taking the
        cells whose one-step move gains most, largest first (lowering the top's ratings,
        raising the challenger's): that is the smallest set. Alternatives are the smallest
        sets that avoid one move of a set found, so each differs from the ones before it;
        sets that contain a set already chosen are left out. Ordered by size, then by the
        challenger's margin (the closest first).
        """
        data = self.data
        if len(data.leaf_ids) < 2 or not len(data.evidence_ids):
            return []
        log_post = self.log_posterior()
        top = np.flatnonzero(self.top)
        if len(top) > 1:
            return self._tie_breakers(top, count)
        t = int(top[0])
        candidates: list[tuple[int, float, float, int, tuple[int, ...]]] = []
        moves_of: dict[int, tuple[FloatArray, _Moves]] = {}
        for h in range(len(data.leaf_ids)):
            if h == t:
                continue
            margin = float(log_post[t] - log_post[h])
            gains, moves = self._one_step_moves(t, h)
            moves_of[h] = (gains, moves)
            found = _closing_set(gains, margin, max_changes, frozenset())
            if found is None:
                continue
            candidates.append((len(found), margin, -_surplus(gains, found, margin), h, found))
            for avoid in found:
                alternative = _closing_set(gains, margin, max_changes, frozenset({avoid}))
                if alternative is not None:
                    surplus = -_surplus(gains, alternative, margin)
                    candidates.append((len(alternative), margin, surplus, h, alternative))
        candidates.sort(key=lambda c: c[:3])
        # A set holding one already given (the same moves, against any challenger) adds
        # nothing: compare the moves themselves, not their positions in a challenger's list.
        chosen: list[frozenset[Change]] = []
        result: list[Sensitivity] = []
        for _, _, _, h, cells in candidates:
            picked = frozenset(moves_of[h][1][n] for n in cells)
            if any(earlier <= picked for earlier in chosen):
                continue
            chosen.append(picked)
            gains, moves = moves_of[h]
            changes = tuple(moves[n] for n in sorted(cells))
            # Lowering the top may let a third leaf past the challenger: name who leads.
            after = log_post.copy()
            for n in cells:
                after[t if moves[n].hypothesis == data.leaf_ids[t] else h] += (
                    -gains[n] if moves[n].hypothesis == data.leaf_ids[t] else gains[n]
                )
            after[t] = -math.inf
            leader = (
                h
                if after[h] >= after.max() - TIE * max(1.0, abs(after[h]))
                else int(np.argmax(after))
            )
            result.append(Sensitivity(changes, data.leaf_ids[leader]))
            if len(result) == count:
                break
        return result

    def _tie_breakers(self, top: npt.NDArray[np.intp], count: int) -> list[Sensitivity]:
        """A tie at the top breaks with any one step of a tied leaf's movable cell: the
        ``count`` steps that move the log posterior most, each a set of its own. A step down
        hands the lead to another tied leaf, a step up to the leaf itself."""
        data = self.data
        found: list[tuple[float, int, int, int]] = []
        for j in top.tolist():
            for direction in (-1, +1):
                codes = data.codes[:, j].astype(np.int64)
                after = codes + direction
                rows = np.flatnonzero(~data.fixed[:, j] & (after >= 0) & (after < len(STEPS)))
                c, v = data.credibility[rows], data.relevance[rows]
                gain = (
                    np.abs(
                        data.row_table[rows, after[rows], c, v]
                        - data.row_table[rows, codes[rows], c, v]
                    )
                    * data.discount[rows]
                )
                found.extend(
                    (-g, i, j, direction)
                    for g, i in zip(gain.tolist(), rows.tolist(), strict=True)
                    if g > TIE
                )
        found.sort()
        result = []
        for _, i, j, direction in found[:count]:
            code = int(data.codes[i, j])
            change = Change(
                data.evidence_ids[i], data.leaf_ids[j], STEPS[code], STEPS[code + direction]
            )
            leader = j if direction > 0 else next(int(k) for k in top if k != j)
            result.append(Sensitivity((change,), data.leaf_ids[leader]))
        return result

    def _one_step_moves(self, t: int, h: int) -> tuple[FloatArray, _Moves]:
        """Every one-step move that narrows the top's lead over ``h``: lower a movable cell of
        the top's column, raise one of ``h``'s; with the margin each gains (discounted)."""
        data = self.data
        gains_list: list[FloatArray] = []
        parts: list[tuple[npt.NDArray[np.intp], int, npt.NDArray[np.int64], int]] = []
        for j, direction in ((t, -1), (h, +1)):
            code_all = data.codes[:, j].astype(np.int64)
            after_all = code_all + direction
            rows = np.flatnonzero(~data.fixed[:, j] & (after_all >= 0) & (after_all < len(STEPS)))
            codes, after = code_all[rows], after_all[rows]
            c, v = data.credibility[rows], data.relevance[rows]
            before_ll = data.row_table[rows, codes, c, v]
            after_ll = data.row_table[rows, after, c, v]
            gains_list.append(np.abs(after_ll - before_ll) * data.discount[rows])
            parts.append((rows, j, codes, direction))
        gains = np.concatenate(gains_list) if gains_list else np.zeros(0)
        return gains, _Moves(data.evidence_ids, data.leaf_ids, parts)

    # --- Monte Carlo ---------------------------------------------------------------------------

    def monte_carlo(
        self,
        draws: int = DEFAULT_DRAWS,
        seed: int = DEFAULT_SEED,
        chunk_trials: int = 8_000_000,
        *,
        stop_early: bool = True,
    ) -> MonteCarlo:
        """Re-rate the case up to ``draws`` times at random and see how the result holds.

        Draws come in chunks of at most :data:`DRAWS_PER_ROUND`; with ``stop_early``, the run
        stops after a chunk once every leaf's share of tops is decided at the precision shown (one
        percentage point, :func:`_decided`): a case whose leader is on top in every draw
        needs about a thousand. The same case and seed always draw the same.

        Each rated cell moves one step up or down with probability 0.075 each way
        (clipped at CC and II; NA and unrated cells stay); credibility and relevance
        each move one level with probability 0.15, up or down alike (clipped).

        Only what changes is computed: the unperturbed log-posterior is corrected by
        the rows whose credibility or relevance moved and by the cells that moved,
        found as a Bernoulli process (geometric gaps) over all draws × cells at once.
        """
        data = self.data
        n_items, n_leaves = data.codes.shape
        rng = np.random.default_rng(seed)
        combos = len(LEVELS) ** 2
        # table[code, combo]: log P′ for each rating and credibility × relevance combination.
        # table[item, code, combo]: log P′ for each rating and credibility × relevance
        # combination, under the item's reliability factor.
        table = data.row_table.reshape(n_items, len(STEPS), combos)
        base_ll = data.log_likelihood
        discount = data.discount
        base = self.log_posterior()
        # Each item's change of row (discounted) under every other combination, float32 to
        # halve the memory traffic of the gathers below.
        # One combination at a time: the whole (E, combo, H) in float64 at once would be
        # several times the case's own size.
        items = np.arange(n_items)[:, None]
        codes = data.codes.astype(np.intp)
        row_delta = np.empty((n_items, combos, n_leaves), dtype=np.float32)  # (E, combo, H)
        for k in range(combos):
            row_delta[:, k] = (table[items, codes, k] - base_ll) * discount[:, None]
        # Change of log P′ when a cell steps up (0) or down (1), 0 at the ends of the scale.
        step = np.zeros((2, n_items, len(STEPS), combos))
        step[0, :, :-1] = table[:, 1:] - table[:, :-1]
        step[1, :, 1:] = table[:, :-1] - table[:, 1:]

        own_combo = data.credibility.astype(np.intp) * len(LEVELS) + data.relevance
        movable_rows, movable_cols = (a.astype(np.int32) for a in np.nonzero(~data.fixed))
        # Discounted, flattened so that one gather finds a moved cell's change of log P′:
        # [direction, item, code, combo]. Per movable cell, where its entries start.
        step_flat = (step * discount[None, :, None, None]).ravel()
        movable_codes = data.codes[movable_rows, movable_cols].astype(np.int32)
        cell_start = (movable_rows * np.int32(len(STEPS)) + movable_codes) * np.int32(combos)
        down = np.int32(n_items * len(STEPS) * combos)
        n_movable = len(movable_rows)
        p_top = np.zeros(n_leaves)
        posteriors = np.empty((draws, n_leaves))
        per_chunk = min(DRAWS_PER_ROUND, max(1, chunk_trials // max(1, n_movable, n_items)))
        done = 0
        for start in range(0, draws, per_chunk):
            if stop_early and _decided(p_top, start):
                break
            size = min(per_chunk, draws - start)
            log_post = np.tile(base, (size, 1))
            combo = _jiggle(rng, data.credibility, size) * np.int8(len(LEVELS)) + _jiggle(
                rng, data.relevance, size
            )
            # Rows whose credibility or relevance moved: take their row under the new weights.
            draw_of, row = np.nonzero(combo != own_combo)
            if len(row):
                delta_rows = row_delta[row, combo[draw_of, row]]
                firsts = np.flatnonzero(np.r_[True, draw_of[1:] != draw_of[:-1]])
                log_post[draw_of[firsts]] += np.add.reduceat(delta_rows, firsts, axis=0)
            # Cells that moved a step, under the draw's own credibility and relevance.
            where = _bernoulli_positions(rng, size * n_movable, 2 * CELL_STEP)
            if len(where):
                draw_of, cell = np.divmod(where, np.int32(n_movable))
                bits = np.frombuffer(rng.bytes(len(where)), dtype=np.uint8) & 1
                index = cell_start[cell] + bits * down
                index += combo.ravel()[draw_of * np.int32(n_items) + movable_rows[cell]]
                log_post += np.bincount(
                    draw_of * np.int32(n_leaves) + movable_cols[cell],
                    weights=step_flat[index],
                    minlength=size * n_leaves,
                ).reshape(size, n_leaves)
            posteriors[start : start + size] = _softmax(log_post)
            tops = top_mask(log_post)
            p_top += (tops / tops.sum(axis=1, keepdims=True)).sum(axis=0)
            done = start + size
        draws = done
        posteriors = posteriors[:draws]
        p_top /= draws
        low, high = np.percentile(posteriors, [5, 95], axis=0)
        group_p, group_low, group_high = {}, {}, {}
        for gid, leaves in self.groups.items():
            cols = [self._column[leaf] for leaf in leaves]
            group_p[gid] = float(p_top[cols].sum())
            sums = posteriors[:, cols].sum(axis=1)
            group_low[gid], group_high[gid] = (float(x) for x in np.percentile(sums, [5, 95]))
        return MonteCarlo(draws, seed, p_top, low, high, group_p, group_low, group_high)


class _Moves:
    """One challenger's one-step moves, kept as arrays: a :class:`Change` is made only for
    the few moves a set found uses (a case has a million movable cells)."""

    def __init__(
        self,
        evidence_ids: Sequence[str],
        leaf_ids: Sequence[str],
        parts: list[tuple[npt.NDArray[np.intp], int, npt.NDArray[np.int64], int]],
    ) -> None:
        self._evidence_ids, self._leaf_ids, self._parts = evidence_ids, leaf_ids, parts

    def __getitem__(self, n: int) -> Change:
        for rows, j, codes, direction in self._parts:
            if n < len(rows):
                code = int(codes[n])
                return Change(
                    self._evidence_ids[int(rows[n])],
                    self._leaf_ids[j],
                    STEPS[code],
                    STEPS[code + direction],
                )
            n -= len(rows)
        raise IndexError(n)


def _decided(tops: FloatArray, draws: int) -> bool:
    """Whether the shares ``tops / draws`` are settled at one percentage point: after the
    first round, each share's Wilson interval (z = :data:`DECIDED_Z`) rounds to one whole
    percentage at both ends.

    >>> _decided(np.array([600.0, 0.0]), 600), _decided(np.array([1000.0, 0.0]), 1000)
    (False, True)
    >>> _decided(np.array([990.0, 10.0]), 1000)
    False
    """
    if draws < DRAWS_PER_ROUND:
        return False
    share = tops / draws
    z2 = DECIDED_Z**2
    centre = (share + z2 / (2 * draws)) / (1 + z2 / draws)
    half = DECIDED_Z * np.sqrt(share * (1 - share) / draws + z2 / (4 * draws**2)) / (1 + z2 / draws)
    ends = np.floor(np.stack([centre - half, centre + half]) * 100 + 0.5)
    return bool((ends[0] == ends[1]).all())


def _closing_set(
    gains: FloatArray, margin: float, max_changes: int, avoid: frozenset[int]
) -> tuple[int, ...] | None:
    """The fewest moves (indices into ``gains``) whose gains together close ``margin``: the
    largest gains first; None when more than ``max_changes`` would be needed."""
    usable = np.array([n not in avoid for n in range(len(gains))], dtype=bool)
    usable &= gains > 0
    order = np.flatnonzero(usable)
    order = order[np.argsort(-gains[order], kind="stable")][:max_changes]
    if not len(order):
        return None
    reached = np.cumsum(gains[order]) >= margin - TIE * max(1.0, abs(margin))
    if not reached.any():
        return None
    return tuple(int(n) for n in order[: int(np.argmax(reached)) + 1])


def _surplus(gains: FloatArray, cells: tuple[int, ...], margin: float) -> float:
    return float(gains[list(cells)].sum()) - margin


def _bernoulli_positions(
    rng: np.random.Generator, trials: int, p: float
) -> npt.NDArray[np.integer]:
    """Indices of the successes among ``trials`` independent Bernoulli(p) trials."""
    if trials <= 0:
        return np.zeros(0, dtype=np.int64)
    expected = trials * p
    scale = 1.0 / math.log1p(-p)
    parts, position = [], -1
    while True:
        # Geometric gaps by inversion: floor(log(1 − U) / log(1 − p)) + 1.
        u = rng.random(int(expected + 6 * math.sqrt(expected) + 16), dtype=np.float32)
        gaps = (np.log(np.float32(1) - u) * np.float32(scale)).astype(np.int32) + 1
        found: npt.NDArray[np.integer] = np.cumsum(
            gaps, dtype=np.int64 if trials >= 2**31 - 2**24 else np.int32
        )
        found = found + position
        parts.append(found[: np.searchsorted(found, trials)])
        if found[-1] >= trials:
            return parts[0] if len(parts) == 1 else np.concatenate(parts)
        position = int(found[-1])


def _jiggle(
    rng: np.random.Generator, levels: npt.NDArray[np.int8], size: int
) -> npt.NDArray[np.int8]:
    u = rng.random((size, len(levels)), dtype=np.float32)
    half = LEVEL_STEP / 2
    step = (u < half).astype(np.int8) - (u > 1 - half).astype(np.int8)
    return np.clip(levels + step, 0, len(LEVELS) - 1).astype(np.int8)
