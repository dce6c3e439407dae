"""The chart drawn from an engine result: Plotly figure, Making Data Count icons, text alternative.
May import: spc (and Plotly); no Django, nothing of the database."""
