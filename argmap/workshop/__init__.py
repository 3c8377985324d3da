"""Analyst workshops: several analysts' ratings of one case.

The ratings file itself (`evidence/ratings/*.yaml`), its checks and the analysts' identities
are in :mod:`argmap.ratingsfile`, beside the case model, since the loader reads them.

- :mod:`.aggregate` — the votes as arrays: consensus, disagreement bands, the discussion
  agenda, and cases rebuilt with an analyst's or the consensus ratings for scoring.
- :mod:`.sheet` — the self-contained HTML rating sheet.
- :mod:`.merge` — taking downloaded ratings files into a case.
- :mod:`.view` — the report's workshop section.
- :mod:`.server`, :mod:`.store`, :mod:`.connections` — the live workshop server
  (`argmap[server]`) over SQLite, and its guards against slow or too many clients.

See docs/workshops.md.
"""

__all__: list[str] = []
