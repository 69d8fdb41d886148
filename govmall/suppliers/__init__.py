"""Supplier onboarding (入驻), qualifications, enterprise scale (企业划型), credit and discipline, exit."""
