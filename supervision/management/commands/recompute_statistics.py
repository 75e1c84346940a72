from django.core.management.base import BaseCommand

from supervision import tally


class Command(BaseCommand):
    help = "Rebuild the statistics' summary rows from the raw records (or only fold them with --compact)."

    def add_arguments(self, parser):
        parser.add_argument("--compact", action="store_true", help="only fold each key's rows into one")
        parser.add_argument(
            "--check", action="store_true", help="compare the rows with the records, change nothing"
        )

    def handle(self, *args, compact=False, check=False, **options):
        if check:
            wrong = tally.disagreements()
            for table, keys in wrong.items():
                self.stdout.write(f"{table}: {len(keys)} keys differ, e.g. {sorted(keys, key=str)[:3]}")
            self.stdout.write("summary rows agree with the records" if not wrong else "")
            return
        counts = tally.compact() if compact else tally.recompute()
        for table, n in counts.items():
            self.stdout.write(f"{table}: {n}")
