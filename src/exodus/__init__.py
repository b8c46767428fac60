"""exodus: an agent-based model of the 2022 flight of Russians into Kazakh and Kyrgyz towns."""

__version__ = "0.1.0"
