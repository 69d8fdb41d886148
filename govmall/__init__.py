"""GovMall — 山东省政府采购网上商城 (Weihai sub-site)."""
