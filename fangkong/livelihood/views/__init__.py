"""Livelihood's staff pages: the community's supplies and volunteers (community.py), stock points (stock.py), price
monitoring (prices.py); each part lists its own URLs."""
