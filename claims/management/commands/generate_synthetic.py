import sys

from django.core.management.base import BaseCommand, CommandError

from tooling.synthetic import ORDERS, Plan, lines


class Command(BaseCommand):
    help = (
        "Write synthetic records in the exchange format (JSON Lines) for benchmarks: N claims "
        "with their outlets, sources, speakers, topics and contradictions, all fictional. "
        "The same --claims and --seed give the same bytes."
    )
    requires_system_checks = []  # it writes a file and needs no database

    def add_arguments(self, parser):
        parser.add_argument("--claims", type=int, required=True, help="How many claims (N).")
        parser.add_argument("--seed", type=int, default=0, help="Another seed, other data.")
        parser.add_argument(
            "--order",
            choices=ORDERS,
            default="grouped",
            help="grouped (the default, as an export): each type's records together; cases: "
            "case by case, each source followed by the claims that cite it.",
        )
        parser.add_argument(
            "--output", "-o", default="-", help="File to write ('-', the default: stdout)."
        )

    def handle(self, *args, claims, seed, output, order="grouped", **options):
        if claims < 1:
            raise CommandError("--claims must be 1 or more.")
        plan = Plan(claims=claims, seed=seed)
        if output == "-":
            self._write(sys.stdout, claims, seed, order)
            return
        try:
            with open(output, "w", encoding="utf-8", newline="\n") as handle:
                self._write(handle, claims, seed, order)
        except OSError as exc:
            raise CommandError(f"Cannot write {output}: {exc.strerror}") from None
        self.stderr.write(
            f"Wrote {output}: {plan.outlets} outlets, {plan.sources} sources, "
            f"{plan.speakers} speakers, {plan.topics} topics, {plan.claims} claims, "
            f"{plan.contradictions} contradictions."
        )

    @staticmethod
    def _write(handle, claims: int, seed: int, order: str) -> None:
        for line in lines(claims, seed, order):
            handle.write(line)
