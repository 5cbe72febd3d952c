"""The newsroom's admin, one module a subject; importing them registers their admins.

- ``workflow``: the publishing steps every published model's admin takes (``StepsAdmin``,
  ``WorkflowAdmin``), their confirmation form and pages;
- ``speakers_and_topics``, ``claims`` (claims, citations, the verification filter),
  ``contradictions``, ``corrections``, ``cases``, ``sources`` (outlets and sources);
- what the admins share: ``revisions`` (``GuardedAdmin``, proposed revisions), ``recheck``
  (re-checking quotes), ``intake`` and ``quotes`` (a source's text and the quotes found in it).
"""

# In the order the models were always registered in.
# isort: off
from claims.admin import speakers_and_topics  # noqa: F401
from claims.admin import claims  # noqa: F401
from claims.admin import contradictions  # noqa: F401
from claims.admin import corrections  # noqa: F401
from claims.admin import cases  # noqa: F401
from claims.admin import sources  # noqa: F401
# isort: on
