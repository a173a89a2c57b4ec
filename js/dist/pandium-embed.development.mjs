import{define as e}from"./pure.development.mjs";export*from"./pure.development.mjs";queueMicrotask(e);
//# sourceMappingURL=pandium-embed.development.mjs.map
