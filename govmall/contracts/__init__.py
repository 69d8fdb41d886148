"""Contracts (合同), signing, publication, acceptance (验收) and payment (支付); the closed-loop trace."""
