"""The shared, hand-computed table of % capaian cases. Every implementation must give these values.

(polaritas, target, capaian, expected % capaian); None = undefined (an empty cell in Excel).
"""

CASES = [
    ("naik", 80, 60, 75.0),
    ("naik", 80, 80, 100.0),
    ("naik", 80, 120, 150.0),  # above target
    ("naik", 80, None, None),  # capaian empty
    ("naik", None, 50, None),  # target empty
    ("naik", 0, 10, None),  # target 0
    ("naik", 0, 0, None),
    ("naik", 100, 2.675, 2.68),  # rounding tie: Excel 2.68, Python round() 2.67
    ("naik", 40, 1.07, 2.68),  # tie reached through division
    ("naik", 3, 1, 33.33),
    ("naik", 12800, 12801, 100.01),
    ("naik", 33.46, 33.45, 99.97),
    ("naik", 1, 1e-9, 0.0),
    ("naik", 50.5, 50.505, 100.01),
    ("naik", 200, 1.005, 0.5),
    ("turun", 8, 9, 87.5),  # PermenPANRB example
    ("turun", 7, 6.5, 107.14),  # PermenPANRB example
    ("turun", 8, 7.786, 102.68),  # tie
    ("turun", 10, 0, 200.0),
    ("turun", 23.1, 23.1, 100.0),
    ("turun", 10, 20, 0.0),  # exactly 2 x target
    ("turun", 10, 25, 0.0),  # beyond 2 x target: floored at 0
    ("turun", 80, None, None),
    ("turun", None, 5, None),
    ("turun", 0, 10, None),
]

KATEGORI = [
    (100.0, "Sangat Tinggi"), (150.0, "Sangat Tinggi"), (90.01, "Sangat Tinggi"), (90.0, "Tinggi"),
    (75.5, "Tinggi"), (75.0, "Sedang"), (65.01, "Sedang"), (65.0, "Rendah"), (50.01, "Rendah"),
    (50.0, "Sangat Rendah"), (0.0, "Sangat Rendah"), (None, None),
]  # fmt: skip
