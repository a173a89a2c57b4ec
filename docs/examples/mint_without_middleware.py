from pandium_embed import PandiumConfig, PandiumUser, marketplace_url, mint_token

config = PandiumConfig.from_env()
url = marketplace_url(config, mint_token(config, PandiumUser("user-1")))  # valid for 60 s, once
