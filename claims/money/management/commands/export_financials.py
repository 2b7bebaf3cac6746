"""``manage.py export_financials``: a loss run or a monthly bordereau to a file (or stdout).

    manage.py export_financials bordereau --month 2026-10 [--product cyber] --format xlsx -o b.xlsx
    manage.py export_financials loss_run --policyholder 7 --format pdf -o run.pdf
    manage.py export_financials loss_run --policy 12 --format csv           # to stdout

Streamed in constant memory (one query, a server-side cursor). Bad input: exit 1, one line.
"""

import shutil

from django.core.management.base import BaseCommand, CommandError

from claims.money import exports
from coverage.models import Product
from policies.models import Policy, Policyholder


class Command(BaseCommand):
    help = "Export a loss run (CSV, PDF) or a monthly claims bordereau (CSV, XLSX)."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=["bordereau", "loss_run"])
        parser.add_argument("--month", help="YYYY-MM (bordereau).")
        parser.add_argument("--product", default="", help="Product code (bordereau).")
        parser.add_argument("--policyholder", type=int, help="Policyholder id (loss run).")
        parser.add_argument("--policy", type=int, help="Policy id (loss run).")
        parser.add_argument("--format", default="csv", choices=["csv", "xlsx", "pdf"])
        parser.add_argument("-o", "--output", help="File to write (default: stdout, CSV only).")

    def handle(self, *args, **opts):
        fmt = opts["format"]
        if opts["kind"] == "bordereau":
            if fmt == "pdf":
                raise CommandError("A bordereau is CSV or XLSX.")
            try:
                month = exports.parse_month(opts["month"] or "")
            except ValueError as error:
                raise CommandError(str(error)) from None
            if opts["product"] and not Product.objects.filter(code=opts["product"]).exists():
                raise CommandError(f"No product {opts['product']!r}.")
            export = exports.bordereau(month=month, product_code=opts["product"])
            title = f"Bordereau {month:%Y-%m}"
        else:
            if fmt == "xlsx":
                raise CommandError("A loss run is CSV or PDF.")
            holder, policy = opts["policyholder"], opts["policy"]
            if not (holder or policy):
                raise CommandError("Name --policyholder or --policy.")
            if holder and not Policyholder.objects.filter(pk=holder).exists():
                raise CommandError(f"No policyholder {holder}.")
            if policy and not Policy.objects.filter(pk=policy).exists():
                raise CommandError(f"No policy {policy}.")
            export = exports.loss_run(policyholder_id=holder, policy_id=policy)
            title = f"Loss run policyholder {holder}" if holder else f"Loss run policy {policy}"
        if fmt != "csv" and not opts["output"]:
            raise CommandError(f"{fmt.upper()} needs --output.")
        if fmt == "csv":
            if opts["output"]:
                with open(opts["output"], "w", newline="") as out:
                    out.writelines(exports.csv_lines(export))
            else:
                for line in exports.csv_lines(export):
                    self.stdout.write(line, ending="")
        elif fmt == "xlsx":
            with exports.xlsx_file(export, title=title) as tmp, open(opts["output"], "wb") as out:
                shutil.copyfileobj(tmp, out)
        else:
            with open(opts["output"], "wb") as out:
                out.write(exports.loss_run_pdf(export, title=title))
        if opts["output"]:
            self.stderr.write(f"{export.count} rows written to {opts['output']}.")
