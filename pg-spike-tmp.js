const {MongoClient, ObjectId}=require('mongodb');
const uri=process.argv[2]; const N=Number(process.argv[3]||100000);
(async()=>{const c=await MongoClient.connect(uri);const a=c.db('cordial').collection('contactactivities');
const T=async(l,f)=>{const t=Date.now();const n=await f();console.log(l,n,((Date.now()-t)/1000).toFixed(1),'s')};
if(!process.env.NOSEED){ await a.createIndex({accountId:1,time:1,_id:1});
await T('insert',async()=>{for(let d=0;d<N;d+=10000){for(const acc of ['a','b']){const docs=[];for(let i=0;i<10000;i++)docs.push({_id:new ObjectId(),accountId:acc,cID:'cid-'+(i%50),email:'person'+(i%50)+'@example.com',action:['open','click','send','bounce','optout'][i%5],time:new Date(Date.UTC(2019,2,20)+Math.floor(Math.random()*864e6)),bmID:'bm-1',mcID:'mc-'+i,message_name:'Hello, "world"',first:i%2==0,system_properties:{ua:'Mozilla/5.0 (X11; Linux x86_64)',link:'https://example.com/x'}});await a.insertMany(docs);}}return 2*N});}
const f={accountId:'a',time:{$gte:new Date(Date.UTC(2019,2,1)),$lte:new Date(Date.UTC(2019,4,1))}};
await T('find all',async()=>{let n=0;for await(const _ of a.find({}).batchSize(1000))n++;return n});
await T('find top-level filter no sort',async()=>{let n=0;for await(const _ of a.find(f).batchSize(1000))n++;return n});
await T('find top-level filter sorted',async()=>{let n=0;for await(const _ of a.find(f).sort({time:1,_id:1}).batchSize(1000))n++;return n});
await T('find $and sorted',async()=>{let n=0;for await(const _ of a.find({$and:[{accountId:'a'},{time:f.time}]}).sort({time:1,_id:1}).batchSize(1000))n++;return n});
await T('count top-level',async()=>a.countDocuments(f));
await c.close()})()
