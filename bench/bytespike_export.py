# The CSV-export example from shared/seeds/bytespike.txt, unchanged but for where it connects:
# the base URL comes from BYTESPIKE_BASE_URL so bench/export.mjs can point it at the sandbox.
import csv, requests, os, sys

BASE = os.environ.get("BYTESPIKE_BASE_URL", "https://llm.bytespike.ai")
headers = {"Authorization": f"Bearer {os.environ['BYTESPIKE_API_KEY']}"}
page, all_rows = 1, []
while True:
    r = requests.get(
        f"{BASE}/api/v1/me/billing/transactions",
        params={"page": page, "page_size": 200},
        headers=headers,
        timeout=10,
    ).json()
    all_rows.extend(r["items"])
    if page * r["page_size"] >= r["total"]:
        break
    page += 1

w = csv.DictWriter(sys.stdout, fieldnames=["created_at", "kind", "amount_usd", "balance_after_usd"])
w.writeheader()
for row in all_rows:
    w.writerow({k: row[k] for k in w.fieldnames})
