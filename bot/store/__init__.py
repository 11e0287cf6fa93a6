"""Storage: one Database object and one repository module per aggregate."""
