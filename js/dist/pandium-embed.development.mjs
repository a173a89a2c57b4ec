import{define as e,prewarmOnIntent as n}from"./pure.development.mjs";export*from"./pure.development.mjs";queueMicrotask(()=>{e(),typeof document<"u"&&n()});
//# sourceMappingURL=pandium-embed.development.mjs.map
