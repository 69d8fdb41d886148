"""Online bidding (竞价): requirements, sealed quotes, evaluation with the SME price deduction, award."""
