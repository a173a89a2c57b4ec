import { configure, prewarm } from "pandium-embed";

configure(JSON.parse(document.querySelector('meta[name="pandium-embed"]').content));

// A screen from which users often open the integrations page: open Pandium's connection while they read.
prewarm();
