"use strict";
var PANDIUM_EMBED_CONFIG = /*@pandium-embed-config*/null;
