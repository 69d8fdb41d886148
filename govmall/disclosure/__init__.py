"""Public announcements (公告): contract notices, bidding results, terminations — one list any app publishes to."""
