"""Training centre (培训中心): courses, quizzes, sessions, attendance, certificates, required-course gates."""
