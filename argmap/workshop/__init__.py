"""Analyst workshops: several analysts' ratings of one case.

- :mod:`.ratings` — the ratings file (`evidence/ratings/*.yaml`), its checks and the
  analysts' identities; imported by the loader, so it stays free of numpy.
- :mod:`.aggregate` — the votes as arrays: consensus, disagreement bands, the discussion
  agenda, and cases rebuilt with an analyst's or the consensus ratings for scoring.
- :mod:`.sheet` — the self-contained HTML rating sheet.
- :mod:`.merge` — taking downloaded ratings files into a case.
- :mod:`.view` — the report's workshop section.

See docs/workshops.md.
"""
