import{define as e}from"./pure.mjs";export*from"./pure.mjs";queueMicrotask(e);
//# sourceMappingURL=pandium-embed.mjs.map
