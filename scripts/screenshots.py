"""Take screenshots of the main pages as each demo user, at laptop and phone widths.

    .venv/bin/python scripts/screenshots.py [BASE_URL] [OUT_DIR]

Needs a running server with the demo data (make run) and Debian's chromium.
"""

import subprocess
import time
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
OUT = Path(sys.argv[2] if len(sys.argv) > 2 else "screenshots")
PASSWORD = "Weihai#2026"
SIZES = {"laptop": (1366, 768), "phone": (375, 812)}

PAGES = {
    None: ["/", "/suppliers/", "/calendar/?year=2026&month=10&start=2026-09-30&n=2", "/accounts/login/", "/announcements/"],
    "purchaser": ["/workspace/", "/workspace/orgs/", "/workspace/profile/", "/cart/", "/orders/", "/contracts/", "/workspace/bidding/", "/training/"],
    "supplier": ["/workspace/supplier/", "/supplier/orders/", "/contracts/"],
    "operator": ["/workspace/", "/workspace/audit/", "/workspace/site-style/", "/workspace/holidays/", "/workspace/holidays/2027/", "/workspace/users/"],
    "supervisor_hc": ["/workspace/", "/workspace/orgs/"],
}


def otp(username):
    return subprocess.check_output([sys.executable, "manage.py", "demo_otp", username], text=True).strip()


def main():
    OUT.mkdir(parents=True, exist_ok=True)
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        for user, paths in PAGES.items():
            for size_name, (w, h) in SIZES.items():
                ctx = browser.new_context(viewport={"width": w, "height": h}, locale="zh-CN")
                page = ctx.new_page()
                if user:
                    page.goto(f"{BASE}/accounts/login/")
                    page.fill("#id_username", user)
                    page.fill("#id_password", PASSWORD)
                    page.click("main .btn[type=submit]")
                    while "/accounts/otp" in page.url:
                        # A code is accepted once: the second size waits for the next one.
                        page.fill("#id_token", otp(user))
                        page.click("main .btn[type=submit]")
                        if "/accounts/otp" in page.url:
                            time.sleep(5)
                for path in paths:
                    page.goto(BASE + path)
                    name = f"{user or 'public'}_{path.split('?')[0].strip('/').replace('/', '_') or 'home'}_{size_name}.png"
                    page.screenshot(path=str(OUT / name), full_page=True)
                    print(OUT / name)
                ctx.close()
        browser.close()


if __name__ == "__main__":
    main()
